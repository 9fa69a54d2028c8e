# Shared by the bench-*-vs-numpy.sh scripts (sourced, not run): the machine header and the median.
# The reference runs at its best: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which some machines set and which pin
# OpenBLAS to older kernels, are unset for the NumPy command alone (numpy_env).
numpy_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# print_machine_header JAR MNIST_DIR: the CPU and its vector extension, the OpenBLAS core NumPy uses, the JVM's
# vector width, so that a ratio can be read against the machine it was measured on.
print_machine_header() {
  local jar="$1" dir="$2" core
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
}
