package io.github.tapegrad.nn.optim;

/**
 * The adaptive-rate pair: a sum of squared gradients h ← keep·h + add·∂W², then W ← W − lr·∂W / (√h + 1e-7). AdaGrad
 * takes keep = add = 1 (h ← h + ∂W², the same bits); RMSprop keep = ρ, add = 1 − ρ.
 */
abstract class AdaptiveRateOptimizer extends ElementwiseOptimizer {
    /** The book's ε, added outside the root. */
    private static final double EPS = 1e-7;
    final double lr;
    private final double keep;
    private final double add;

    AdaptiveRateOptimizer(String name, double lr, double keep, double add) {
        this.lr = positive(name + " learning rate", lr);
        this.keep = keep;
        this.add = add;
    }

    @Override
    protected final int stateArrays() {
        return 1;
    }

    @Override
    protected final void update(double[] w, double[] g, int n, double[][] state) {
        double[] h = state[0];
        for (int i = 0; i < n; i++) {
            h[i] = keep * h[i] + add * g[i] * g[i];
            w[i] -= lr * g[i] / (Math.sqrt(h[i]) + EPS);
        }
    }
}
