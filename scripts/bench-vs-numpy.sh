#!/usr/bin/env bash
# Runs the book's training (section 5.7.4, full MNIST, book settings) in tapegrad and in the NumPy reference,
# alternately, PAIRS times (default 5), and prints each pair's times and ratio and the median ratio.
# The reference runs at its best: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which some machines set and which pin
# OpenBLAS to older kernels, are unset for the NumPy command alone. The header names the CPU, the OpenBLAS core NumPy
# uses and the JVM's vector width, so that a ratio can be read against the machine it was measured on.
#   scripts/bench-vs-numpy.sh MNIST_DIR NUMPY_SCRIPT [PAIRS]
# MNIST_DIR holds the four uncompressed IDX files; NUMPY_SCRIPT is the reference (not part of this project),
# run as: python3 NUMPY_SCRIPT train --mnist-dir MNIST_DIR. Alternating pairs let the machine's noise hit both.
# Two ratios are printed: of the training loops (steps and accuracy passes, as both programs time them), and of
# the whole processes' wall time (start-up and data loading included).
set -euo pipefail
dir="${1:?usage: bench-vs-numpy.sh MNIST_DIR NUMPY_SCRIPT [PAIRS]}"
numpy="${2:?usage: bench-vs-numpy.sh MNIST_DIR NUMPY_SCRIPT [PAIRS]}"
pairs="${3:-5}"
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/samples/target/tapegrad-samples.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -ntp -q install -DskipTests)
log="$(mktemp -d)"

now() { date +%s.%N; }
numpy_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)

echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(grep -q avx512f /proc/cpuinfo && echo AVX-512 || (grep -q avx2 /proc/cpuinfo && echo AVX2 || echo 'no AVX2'))"
core=$("${numpy_env[@]}" python3 - <<'PY' 2>/dev/null || echo unknown
import ctypes, glob, os, numpy
libs = glob.glob(os.path.join(os.path.dirname(os.path.dirname(numpy.__file__)), "numpy.libs", "libscipy_openblas*.so"))
name = ctypes.CDLL(libs[0]).scipy_openblas_get_corename64_
name.restype = ctypes.c_char_p
print(name().decode())
PY
)
echo "numpy: $(python3 -c 'import numpy; print(numpy.__version__)' 2>/dev/null || echo missing), OpenBLAS core $core (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for NumPy)"
echo "java: $(java -version 2>&1 | head -1), $(java --add-modules jdk.incubator.vector -jar "$jar" train --data "$dir" --iterations 0 --quiet 2>/dev/null | sed -n 's/^matmul: //p')"
printf '%-5s %12s %12s %10s %12s %12s %10s %9s %9s\n' pair java_loop_s numpy_loop_s loop_ratio java_wall_s numpy_wall_s wall_ratio java_acc numpy_acc
loop_ratios=(); wall_ratios=()
for i in $(seq 1 "$pairs"); do
  t0=$(now)
  java --add-modules jdk.incubator.vector -jar "$jar" train --data "$dir" --quiet > "$log/java$i.txt" 2>&1
  t1=$(now)
  "${numpy_env[@]}" python3 "$numpy" train --mnist-dir "$dir" > "$log/numpy$i.txt" 2>&1
  t2=$(now)
  jl=$(sed -n 's/^done: [0-9]* iterations in \([0-9.]*\) s.*/\1/p' "$log/java$i.txt")
  nl=$(sed -n 's/^RESULT total_loop_seconds=\([0-9.]*\).*/\1/p' "$log/numpy$i.txt")
  ja=$(sed -n 's/^after the last iteration: .*test acc \([0-9.]*\).*/\1/p' "$log/java$i.txt")
  na=$(sed -n 's/^RESULT after_all_iters_acc .*test=\([0-9.]*\).*/\1/p' "$log/numpy$i.txt")
  if [ -z "$jl" ] || [ -z "$nl" ]; then echo "pair $i: could not read the times; logs in $log" >&2; exit 1; fi
  calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
  jw=$(calc "$t1 - $t0"); nw=$(calc "$t2 - $t1")
  lr=$(calc "$jl / $nl"); wr=$(calc "$jw / $nw")
  loop_ratios+=("$lr"); wall_ratios+=("$wr")
  printf '%-5s %12.2f %12.2f %10.3f %12.2f %12.2f %10.3f %9s %9s\n' "$i" "$jl" "$nl" "$lr" "$jw" "$nw" "$wr" "$ja" "$na"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf 'median loop ratio (java/numpy): %.3f\n' "$(median "${loop_ratios[@]}")"
printf 'median wall ratio (java/numpy): %.3f\n' "$(median "${wall_ratios[@]}")"
echo "logs: $log"
