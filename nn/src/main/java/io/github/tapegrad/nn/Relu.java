package io.github.tapegrad.nn;

/**
 * The book's Relu layer: out = x where x &gt; 0, else 0.
 *
 * <p>Differences from the book: backward writes into a buffer of its own instead of modifying {@code dout};
 * NaN is not ≤ 0, so Relu(NaN) is NaN (never a silent 0). The subgradient at 0 (and −0) is 0, as the book's
 * {@code mask = (x <= 0)} gives.
 */
public final class Relu extends ElementwiseLayer {
    public Relu() {
        this("Relu");
    }

    public Relu(String name) {
        super(name);
    }

    /**
     * NOTE: max(x, +0.0) is exactly the book's formula: +0.0 for x ≤ 0 (−0.0 included, as max orders −0.0 below +0.0),
     * x above, NaN for NaN; and the JIT turns it into vector instructions, which it does not for the conditional form.
     */
    @Override
    void apply(double[] x, double[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = Math.max(x[i], 0.0);
    }

    /**
     * NOTE: the output is the book's mask: out ≤ 0 exactly where x ≤ 0 (out is 0 there, and x itself elsewhere, NaN
     * included), so no mask is stored.
     */
    @Override
    void gradient(double[] dout, double[] dx, int n) {
        double[] y = out.data;
        for (int i = 0; i < n; i++) dx[i] = y[i] <= 0 ? 0.0 : dout[i];
    }
}
