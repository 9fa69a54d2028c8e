#!/usr/bin/env bash
# Runs the book's SimpleConvNet (chapter 7, full MNIST, Adam, batch 100) for ITERS iterations (default 600, one
# epoch) in tapegrad and in the NumPy reference, alternately, PAIRS times (default 3), and prints each pair's loop
# times, milliseconds per iteration and ratio, and the median ratio.
#   scripts/bench-convnet-vs-numpy.sh MNIST_DIR NUMPY_SCRIPT [PAIRS] [ITERS]
# NUMPY_SCRIPT is the reference (not part of this project), run as:
#   python3 NUMPY_SCRIPT train --mnist-dir MNIST_DIR --iters ITERS
# Both loops hold the steps and one accuracy pass on the first 1,000 train and test images (at iteration 0).
# NOTE: the reference does about 1.6 times the work per step: it computes the first layer's input gradient, which
# nobody uses, and a second forward pass for the loss it prints. tapegrad skips both; the ratio is of the programs
# as written, which is the comparison a reader of the book makes.
set -euo pipefail
usage="usage: bench-convnet-vs-numpy.sh MNIST_DIR NUMPY_SCRIPT [PAIRS] [ITERS]"
dir="${1:?$usage}"
numpy="${2:?$usage}"
pairs="${3:-3}"
iters="${4:-600}"
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/samples/target/tapegrad-samples.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -ntp -q install -DskipTests)
log="$(mktemp -d)"
. "$root/scripts/lib/bench-common.sh"
print_machine_header "$jar" "$dir"
echo "workload: SimpleConvNet, $iters iterations of batch 100"
printf '%-5s %12s %12s %10s %12s %12s %9s %9s\n' pair java_loop_s numpy_loop_s loop_ratio java_ms_iter numpy_ms_iter java_acc numpy_acc
ratios=()
for i in $(seq 1 "$pairs"); do
  java --add-modules jdk.incubator.vector -jar "$jar" train --model convnet --data "$dir" --iterations "$iters" --quiet > "$log/java$i.txt" 2>&1
  "${numpy_env[@]}" python3 "$numpy" train --mnist-dir "$dir" --iters "$iters" > "$log/numpy$i.txt" 2>&1
  jl=$(sed -n 's/^done: [0-9]* iterations in \([0-9.]*\) s.*/\1/p' "$log/java$i.txt")
  nl=$(sed -n 's/^RESULT total_loop_seconds=\([0-9.]*\).*/\1/p' "$log/numpy$i.txt")
  ja=$(sed -n 's/^after the last iteration: .*test acc \([0-9.]*\).*/\1/p' "$log/java$i.txt")
  na=$(sed -n 's/^RESULT final_test_acc=\([0-9.]*\).*/\1/p' "$log/numpy$i.txt")
  if [ -z "$jl" ] || [ -z "$nl" ]; then echo "pair $i: could not read the times; logs in $log" >&2; exit 1; fi
  r=$(calc "$jl / $nl")
  ratios+=("$r")
  printf '%-5s %12.2f %12.2f %10.4f %12.2f %12.2f %9s %9s\n' "$i" "$jl" "$nl" "$r" "$(calc "1000 * $jl / $iters")" "$(calc "1000 * $nl / $iters")" "$ja" "$na"
done
printf 'median loop ratio (java/numpy): %.4f\n' "$(median "${ratios[@]}")"
echo "logs: $log"
