package io.github.tapegrad.nn.optim;

/** Stochastic gradient descent: W ← W − lr·∂W. The book's default lr is 0.01. */
public final class Sgd extends ElementwiseOptimizer {
    private final double lr;

    public Sgd(double lr) {
        this.lr = positive("SGD learning rate", lr);
    }

    public Sgd() {
        this(0.01);
    }

    @Override
    protected int stateArrays() {
        return 0;
    }

    @Override
    protected void update(double[] w, double[] g, int n, double[][] state) {
        for (int i = 0; i < n; i++) w[i] -= lr * g[i];
    }

    @Override
    public String toString() {
        return "SGD(lr=" + lr + ")";
    }
}
