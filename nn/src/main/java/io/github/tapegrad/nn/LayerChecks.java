package io.github.tapegrad.nn;

import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Tensor;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;

/** The checks the layers share, each failing with a message that names the layer. */
final class LayerChecks {
    private LayerChecks() {}

    /** A matrix's shape as the messages write it, (rows x cols). */
    static String shape(DMatrixRMaj m) {
        return "(" + m.numRows + "x" + m.numCols + ")";
    }

    /** Fails unless {@code cached}, what forward leaves for backward, is there. */
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

    /** A two-input layer's dout must have the shape x and y broadcast to. */
    static void requireOutputShape(String layer, Tensor dout, Tensor x, Tensor y) {
        int[] out = Shapes.broadcast(layer, x.shape(), y.shape());
        if (!Arrays.equals(out, dout.shape())) {
            throw new IllegalArgumentException(layer + ": dout has shape " + Shapes.format(dout.shape())
                    + ", expected the output shape " + Shapes.format(out));
        }
    }
}
