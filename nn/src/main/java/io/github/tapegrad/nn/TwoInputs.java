package io.github.tapegrad.nn;

import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Tensor;
import java.util.Arrays;

/** The shape check shared by the two-input layers. */
final class TwoInputs {
    private TwoInputs() {}

    static void requireOutputShape(String layer, Tensor dout, Tensor x, Tensor y) {
        int[] out = Shapes.broadcast(layer, x.shape(), y.shape());
        if (!Arrays.equals(out, dout.shape())) {
            throw new IllegalArgumentException(layer + ": dout has shape " + Shapes.format(dout.shape())
                    + ", expected the output shape " + Shapes.format(out));
        }
    }
}
