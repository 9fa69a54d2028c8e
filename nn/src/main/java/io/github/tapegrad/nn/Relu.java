package io.github.tapegrad.nn;

/**
 * The book's Relu layer: out = x where x &gt; 0, else 0.
 *
 * <p>Differences from the book: backward writes into a buffer of its own instead of modifying {@code dout};
 * NaN is not ≤ 0, so Relu(NaN) is NaN (never a silent 0). The subgradient at 0 (and −0) is 0, as the book's
 * {@code mask = (x <= 0)} gives.
 */
public final class Relu extends ElementwiseLayer {
    private boolean[] mask = new boolean[0];          // true where x <= 0

    public Relu() {
        this("Relu");
    }

    public Relu(String name) {
        super(name);
    }

    @Override
    void apply(double[] x, double[] out, int n) {
        if (mask.length < n) mask = new boolean[n];
        for (int i = 0; i < n; i++) {
            boolean off = x[i] <= 0;
            mask[i] = off;
            out[i] = off ? 0.0 : x[i];
        }
    }

    @Override
    void gradient(double[] dout, double[] dx, int n) {
        for (int i = 0; i < n; i++) dx[i] = mask[i] ? 0.0 : dout[i];
    }
}
