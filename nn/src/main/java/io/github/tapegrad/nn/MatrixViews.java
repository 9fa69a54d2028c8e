package io.github.tapegrad.nn;

import io.github.tapegrad.engine.tensor.RawStorage;
import io.github.tapegrad.engine.tensor.Tensor;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;

/** Conversions between tensors and the layers' EJML matrices. */
final class MatrixViews {
    private MatrixViews() {}

    /**
     * The tensor as a read-only matrix view: rank 2 as is, rank 1 as one row, higher ranks flattened to (d0, rest).
     * Layers only read their inputs, and tensors are immutable, so no copy is needed.
     */
    static DMatrixRMaj rowsOf(String layer, Tensor x) {
        if (x.rank() == 0) throw new IllegalArgumentException(layer + ": expected a batch (rank >= 1), got a scalar");
        if (x.rank() <= 2) return RawStorage.read(x);
        return RawStorage.read(x.reshape(x.dim(0), -1));
    }

    /** A fresh tensor of the given shape holding a copy of the matrix's entries. */
    static Tensor toTensor(DMatrixRMaj m, int[] shape) {
        return Tensor.of(Arrays.copyOf(m.data, m.numRows * m.numCols), shape);
    }
}
