package io.github.tapegrad.nn;

import org.ejml.data.DMatrixRMaj;

/**
 * The common part of the layers that work element by element (Relu, Sigmoid, Dropout): the name, the output and
 * dx buffers, and the checks that backward follows a forward and gets a dout of the output's shape. A subclass
 * supplies only its two per-element formulas.
 */
abstract class ElementwiseLayer implements Layer {
    private final String name;
    /** The last forward's output; a subclass's {@link #gradient} may read it. */
    final DMatrixRMaj out = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dx = new DMatrixRMaj(1, 1);
    private boolean forwardDone;

    ElementwiseLayer(String name) {
        this.name = name;
    }

    /** out[i] = f(x[i]) for i &lt; n, saving what {@link #gradient} needs. */
    abstract void apply(double[] x, double[] out, int n);

    /** dx[i] = dout[i]·f′(x[i]) for i &lt; n, from what the last {@link #apply} saved. */
    abstract void gradient(double[] dout, double[] dx, int n);

    /** Whether a forward has run. */

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final DMatrixRMaj forward(DMatrixRMaj x) {
        out.reshape(x.numRows, x.numCols);
        apply(x.data, out.data, x.getNumElements());
        forwardDone = true;
        return out;
    }

    @Override
    public final DMatrixRMaj backward(DMatrixRMaj dout) {
        return backward(dout, dx);
    }

    @Override
    public final DMatrixRMaj backward(DMatrixRMaj dout, DMatrixRMaj dx) {
        LayerChecks.requireForward(name, forwardDone ? out : null);
        LayerChecks.requireSameShape(name, "dout", dout, out.numRows, out.numCols);
        dx.reshape(dout.numRows, dout.numCols);
        gradient(dout.data, dx.data, dout.getNumElements());
        return dx;
    }
}
