/**
 * Immutable n-d tensors stored in EJML matrices, with NumPy broadcasting. {@code Kernels} holds the raw loops,
 * {@code Shapes} every shape check and its message, {@code Gemm} the single entry point for matrix products.
 * Knows nothing of tapes or gradients.
 */
package io.github.tapegrad.engine.tensor;
