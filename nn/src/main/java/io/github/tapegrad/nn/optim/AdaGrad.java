package io.github.tapegrad.nn.optim;

/**
 * AdaGrad: h ← h + ∂W²; W ← W − lr·∂W / (√h + 1e-7) (book default lr 0.01). Duchi et al. (2011) put ε inside or
 * outside the root depending on the presentation; the book adds 1e-7 outside, as here.
 */
public final class AdaGrad extends Optimizer {
    private static final double EPS = 1e-7;
    private final double lr;

    public AdaGrad(double lr) {
        this.lr = positive("AdaGrad learning rate", lr);
    }

    public AdaGrad() {
        this(0.01);
    }

    @Override
    int stateArrays() {
        return 1;
    }

    @Override
    void update(double[] w, double[] g, int n, double[][] state) {
        double[] h = state[0];
        for (int i = 0; i < n; i++) {
            h[i] += g[i] * g[i];
            w[i] -= lr * g[i] / (Math.sqrt(h[i]) + EPS);
        }
    }

    @Override
    public String toString() {
        return "AdaGrad(lr=" + lr + ")";
    }
}
