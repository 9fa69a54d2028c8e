#!/usr/bin/env bash
# Opens JShell with tapegrad's engine and layers on the class path, their packages imported and the vector module
# added, to build graphs interactively as the book does in Python's shell:
#   scripts/jshell.sh
#   jshell> Tape t = new Tape(); Var x = t.variable("x", Tensor.scalar(3));
#   jshell> t.gradients(x.mul(x).add(x), x).get(x)        // 2x + 1 = 7.0
# Builds the project first when its runnable jar is missing. Extra arguments go to jshell (-q, a script file, ...).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/samples/target/tapegrad-samples.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -ntp -q install -DskipTests)
exec jshell --class-path "$jar" --add-modules jdk.incubator.vector -R--add-modules=jdk.incubator.vector \
  --startup DEFAULT --startup "$root/scripts/tapegrad.jsh" "$@"
