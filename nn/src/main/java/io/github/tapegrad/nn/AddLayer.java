package io.github.tapegrad.nn;

import io.github.tapegrad.engine.tensor.Tensor;

/**
 * The book's addition layer: out = x + y (NumPy broadcasting). Backward: dx = dout, dy = dout, each summed
 * back to its input's shape where it was broadcast (a bias added to every row gets the column sums).
 */
public final class AddLayer {
    private int[] xShape;
    private int[] yShape;

    /** x + y. Only the shapes are cached: the gradient does not depend on the values. */
    public Tensor forward(Tensor x, Tensor y) {
        Tensor out = x.add(y);
        xShape = x.shape();
        yShape = y.shape();
        return out;
    }

    /** (dx, dy) for the last forward; {@code dout} has the output's shape and is not modified. */
    public InputGradients backward(Tensor dout) {
        LayerChecks.requireForward("AddLayer", xShape);
        LayerChecks.requireOutputShape("AddLayer", dout, Tensor.zeros(xShape), Tensor.zeros(yShape));
        return new InputGradients(dout.sumTo(xShape), dout.sumTo(yShape));
    }
}
