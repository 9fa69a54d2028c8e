package io.github.tapegrad.nn;

import io.github.tapegrad.engine.tensor.Tensor;
import org.ejml.data.DMatrixRMaj;

/**
 * A single-input layer with the book's two methods. The EJML methods work in buffers the layer owns and
 * allocate nothing after the first call with a given batch shape; the {@link Tensor} methods wrap them and
 * return fresh values.
 *
 * <p>Buffers handed out by {@link #forward(DMatrixRMaj)} and {@link #backward(DMatrixRMaj)} are read-only views:
 * they belong to the layer, must not be modified, and are valid until the layer's next forward (respectively
 * backward). Neither method modifies its argument.
 */
public interface Layer {

    /** The layer's name, for messages (for example "Affine1"). */
    String name();

    /**
     * Forward pass on a batch (one row per example); caches what backward needs.
     *
     * @param x input. Not modified; may be retained until the next forward.
     * @return the output buffer, owned by the layer, valid until its next forward
     */
    DMatrixRMaj forward(DMatrixRMaj x);

    /**
     * Backward pass: the gradient with respect to the input of the last forward.
     *
     * @param dout gradient with respect to the output, of the output's shape. Not modified.
     * @return dx, owned by the layer, valid until its next backward
     * @throws IllegalStateException    if called before forward
     * @throws IllegalArgumentException if dout does not have the output's shape
     */
    DMatrixRMaj backward(DMatrixRMaj dout);

    /**
     * Backward into a buffer of the caller's instead of the layer's own, for a caller that keeps dx beyond the layer's
     * next backward (the tape's fused ops hand it to an immutable tensor). The default runs
     * {@link #backward(DMatrixRMaj)}, which also overwrites the layer's own buffer, and copies its result; Relu,
     * Sigmoid and Dropout write {@code dx} directly and leave their own buffer alone.
     *
     * @param dout gradient with respect to the output, of the output's shape. Not modified.
     * @param dx   reshaped to the input's shape and filled with the gradient. Modified.
     * @return {@code dx}
     */
    default DMatrixRMaj backward(DMatrixRMaj dout, DMatrixRMaj dx) {
        dx.setTo(backward(dout));
        return dx;
    }

    /** Forward on a tensor of any rank ≥ 1 (rows = product of the leading dimensions); returns a fresh tensor. */
    default Tensor forward(Tensor x) {
        return MatrixViews.toTensor(forward(MatrixViews.rowsOf(name(), x)), x.shape());
    }

    /** Backward with a tensor of the output's shape; returns a fresh dx of the last input's shape. */
    default Tensor backward(Tensor dout) {
        return MatrixViews.toTensor(backward(MatrixViews.rowsOf(name(), dout)), dout.shape());
    }
}
