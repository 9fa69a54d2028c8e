package io.github.tapegrad.nn;

import org.ejml.data.DMatrixRMaj;

/**
 * The book's Sigmoid layer: out = 1 / (1 + e⁻ˣ); backward dx = dout·(1 − out)·out, from the saved output.
 *
 * <p>Difference from the book: the forward pass uses the branch-wise stable form (1/(1 + e⁻ˣ) for x ≥ 0,
 * eˣ/(1 + eˣ) otherwise), so no exponential overflows and out and dx are finite for every finite x.
 */
public final class Sigmoid implements Layer {
    private final String name;
    private final DMatrixRMaj out = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dx = new DMatrixRMaj(1, 1);
    private boolean forwardDone;

    public Sigmoid() {
        this("Sigmoid");
    }

    public Sigmoid(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    /** σ(x), stable for all x. */
    public static double sigmoid(double x) {
        if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    @Override
    public DMatrixRMaj forward(DMatrixRMaj x) {
        out.reshape(x.numRows, x.numCols);
        for (int i = 0, n = x.getNumElements(); i < n; i++) out.data[i] = sigmoid(x.data[i]);
        forwardDone = true;
        return out;
    }

    @Override
    public DMatrixRMaj backward(DMatrixRMaj dout) {
        return backward(dout, dx);
    }

    @Override
    public DMatrixRMaj backward(DMatrixRMaj dout, DMatrixRMaj dx) {
        Buffers.requireForward(name, forwardDone ? out : null);
        Buffers.requireSameShape(name, "dout", dout, out.numRows, out.numCols);
        dx.reshape(dout.numRows, dout.numCols);
        double[] y = out.data;
        for (int i = 0, n = dout.getNumElements(); i < n; i++) dx.data[i] = dout.data[i] * (1.0 - y[i]) * y[i];
        return dx;
    }
}
