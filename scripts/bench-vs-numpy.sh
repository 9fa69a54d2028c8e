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

. "$root/scripts/lib/bench-common.sh"
print_machine_header "$jar" "$dir"
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
  jw=$(calc "$t1 - $t0"); nw=$(calc "$t2 - $t1")
  lr=$(calc "$jl / $nl"); wr=$(calc "$jw / $nw")
  loop_ratios+=("$lr"); wall_ratios+=("$wr")
  printf '%-5s %12.2f %12.2f %10.3f %12.2f %12.2f %10.3f %9s %9s\n' "$i" "$jl" "$nl" "$lr" "$jw" "$nw" "$wr" "$ja" "$na"
done
printf 'median loop ratio (java/numpy): %.3f\n' "$(median "${loop_ratios[@]}")"
printf 'median wall ratio (java/numpy): %.3f\n' "$(median "${wall_ratios[@]}")"
echo "logs: $log"
