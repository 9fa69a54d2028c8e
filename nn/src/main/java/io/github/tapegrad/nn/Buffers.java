package io.github.tapegrad.nn;

import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Tensor;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;

/** Conversions between tensors and the layers' EJML buffers, and the layers' shared checks. */
final class Buffers {
    private Buffers() {}

    /**
     * The tensor as a read-only matrix view: rank 2 as is, rank 1 as one row, higher ranks flattened to (d0, rest).
     * Layers only read their inputs, and tensors are immutable, so no copy is needed.
     */
    static DMatrixRMaj rowsOf(String layer, Tensor x) {
        if (x.rank() == 0) throw new IllegalArgumentException(layer + ": expected a batch (rank >= 1), got a scalar");
        if (x.rank() <= 2) return x.matrixView();
        return x.reshape(x.dim(0), -1).matrixView();
    }

    static Tensor toTensor(DMatrixRMaj m, int[] shape) {
        return Tensor.of(Arrays.copyOf(m.data, m.numRows * m.numCols), shape);
    }

    static String shape(DMatrixRMaj m) {
        return "(" + m.numRows + "x" + m.numCols + ")";
    }

    static void requireForward(String layer, Object cached) {
        if (cached == null) throw new IllegalStateException(layer + ".backward called before forward");
    }

    static void requireSameShape(String layer, String what, DMatrixRMaj actual, int rows, int cols) {
        if (actual.numRows != rows || actual.numCols != cols) {
            throw new IllegalArgumentException(layer + ": " + what + " has shape " + shape(actual) + ", expected ("
                    + rows + "x" + cols + ")");
        }
    }

    static void requireNonEmpty(String layer, DMatrixRMaj x) {
        if (x.numRows == 0) throw new IllegalArgumentException(layer + ": empty batch");
    }

    static String format(int[] shape) {
        return Shapes.format(shape);
    }
}
