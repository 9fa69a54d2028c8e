package io.github.tapegrad.nn.optim;

/**
 * Nesterov's accelerated gradient in the book's form: v ← μ·v − lr·∂W; W ← W + μ²·v − (1 + μ)·lr·∂W
 * (defaults lr 0.01, μ 0.9). This is the reformulation of Bengio et al. (2013, "Advances in optimizing recurrent
 * networks") that needs the gradient at W only, not at the look-ahead point W + μ·v of Nesterov's original.
 */
public final class Nesterov extends Optimizer {
    private final double lr;
    private final double momentum;

    public Nesterov(double lr, double momentum) {
        this.lr = positive("Nesterov learning rate", lr);
        this.momentum = fraction("momentum", momentum);
    }

    public Nesterov() {
        this(0.01, 0.9);
    }

    @Override
    int stateArrays() {
        return 1;
    }

    @Override
    void update(double[] w, double[] g, int n, double[][] state) {
        double[] v = state[0];
        double mm = momentum * momentum;
        double step = (1 + momentum) * lr;
        for (int i = 0; i < n; i++) {
            v[i] = momentum * v[i] - lr * g[i];
            w[i] += mm * v[i] - step * g[i];
        }
    }

    @Override
    public String toString() {
        return "Nesterov(lr=" + lr + ", momentum=" + momentum + ")";
    }
}
