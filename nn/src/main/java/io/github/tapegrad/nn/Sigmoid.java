package io.github.tapegrad.nn;

/**
 * The book's Sigmoid layer: out = 1 / (1 + e⁻ˣ); backward dx = dout·(1 − out)·out, from the saved output.
 *
 * <p>Difference from the book: the forward pass uses the branch-wise stable form (1/(1 + e⁻ˣ) for x ≥ 0,
 * eˣ/(1 + eˣ) otherwise), so no exponential overflows and out and dx are finite for every finite x.
 */
public final class Sigmoid extends ElementwiseLayer {
    public Sigmoid() {
        this("Sigmoid");
    }

    public Sigmoid(String name) {
        super(name);
    }

    /** σ(x), stable for all x. */
    public static double sigmoid(double x) {
        if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    @Override
    void apply(double[] x, double[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = sigmoid(x[i]);
    }

    @Override
    void gradient(double[] dout, double[] dx, int n) {
        double[] y = out.data;
        for (int i = 0; i < n; i++) dx[i] = dout[i] * (1.0 - y[i]) * y[i];
    }
}
