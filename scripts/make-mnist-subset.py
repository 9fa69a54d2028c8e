#!/usr/bin/env python3
"""Writes the MNIST subset bundled in the samples jar: the first 5,000 training and first 1,000 test
images and labels of the official files, as gzipped IDX with a zero timestamp (byte-for-byte reproducible).

Usage: scripts/make-mnist-subset.py MNIST_DIR OUT_DIR
MNIST (c) Yann LeCun, Corinna Cortes and Christopher J.C. Burges, CC BY-SA 3.0.
"""
import gzip
import os
import struct
import sys

def subset(src, dst, count, is_images):
    with open(src, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    if is_images:
        rows, cols = struct.unpack(">II", data[8:16])
        header = struct.pack(">IIII", magic, count, rows, cols)
        payload = data[16:16 + count * rows * cols]
    else:
        header = struct.pack(">II", magic, count)
        payload = data[8:8 + count]
    with open(dst, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(header + payload)

def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for name, count, images in [("train-images-idx3-ubyte", 5000, True), ("train-labels-idx1-ubyte", 5000, False),
                                ("t10k-images-idx3-ubyte", 1000, True), ("t10k-labels-idx1-ubyte", 1000, False)]:
        subset(os.path.join(src, name), os.path.join(out, name + ".gz"), count, images)

if __name__ == "__main__":
    main()
