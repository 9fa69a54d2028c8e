package io.github.tapegrad.nn.optim;

/**
 * Adam in the book's form (defaults lr 0.001, β₁ 0.9, β₂ 0.999): t ← t + 1; lrₜ = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ);
 * m ← m + (1 − β₁)(∂W − m); v ← v + (1 − β₂)(∂W² − v); W ← W − lrₜ·m / (√v + 1e-7).
 * Kingma &amp; Ba (2015) use ε = 1e-8 added to √v̂ of the bias-corrected v̂; folding the correction into lrₜ, as the
 * book does, puts ε before the correction instead, a negligible difference once v is not tiny.
 */
public final class Adam extends ElementwiseOptimizer {
    private static final double EPS = 1e-7;
    private final double lr;
    private final double beta1;
    private final double beta2;
    private int t;
    private double lrT;

    public Adam(double lr, double beta1, double beta2) {
        this.lr = positive("Adam learning rate", lr);
        this.beta1 = fraction("Adam beta1", beta1);
        this.beta2 = fraction("Adam beta2", beta2);
    }

    public Adam() {
        this(0.001, 0.9, 0.999);
    }

    @Override
    protected int stateArrays() {
        return 2;
    }

    @Override
    protected void beforeStep() {
        t++;
        lrT = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
    }

    @Override
    protected void update(double[] w, double[] g, int n, double[][] state) {
        double[] m = state[0];
        double[] v = state[1];
        for (int i = 0; i < n; i++) {
            m[i] += (1 - beta1) * (g[i] - m[i]);
            v[i] += (1 - beta2) * (g[i] * g[i] - v[i]);
            w[i] -= lrT * m[i] / (Math.sqrt(v[i]) + EPS);
        }
    }

    @Override
    public String toString() {
        return "Adam(lr=" + lr + ", beta1=" + beta1 + ", beta2=" + beta2 + ")";
    }
}
