package io.github.tapegrad.nn;

import io.github.tapegrad.engine.tensor.Tensor;

/**
 * The book's multiplication layer: out = x·y (elementwise, NumPy broadcasting; scalars in section 5.4).
 * Backward: dx = dout·y, dy = dout·x, each summed back to its input's shape where it was broadcast.
 */
public final class MulLayer {
    private Tensor x;
    private Tensor y;

    /** x·y; caches both inputs. */
    public Tensor forward(Tensor x, Tensor y) {
        Tensor out = x.mul(y);
        this.x = x;
        this.y = y;
        return out;
    }

    /** (dx, dy) for the last forward; {@code dout} has the output's shape and is not modified. */
    public InputGradients backward(Tensor dout) {
        LayerChecks.requireForward("MulLayer", x);
        LayerChecks.requireOutputShape("MulLayer", dout, x, y);
        return new InputGradients(dout.mul(y).sumTo(x.shape()), dout.mul(x).sumTo(y.shape()));
    }
}
