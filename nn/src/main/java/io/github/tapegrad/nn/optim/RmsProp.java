package io.github.tapegrad.nn.optim;

/**
 * RMSprop: h ← ρ·h + (1 − ρ)·∂W²; W ← W − lr·∂W / (√h + 1e-7) (book defaults lr 0.01, ρ 0.99; Hinton's lecture
 * notes suggest ρ 0.9 and put ε inside the root).
 */
public final class RmsProp extends Optimizer {
    private static final double EPS = 1e-7;
    private final double lr;
    private final double decay;

    public RmsProp(double lr, double decay) {
        this.lr = positive("RMSprop learning rate", lr);
        this.decay = fraction("RMSprop decay rate", decay);
    }

    public RmsProp() {
        this(0.01, 0.99);
    }

    @Override
    int stateArrays() {
        return 1;
    }

    @Override
    void update(double[] w, double[] g, int n, double[][] state) {
        double[] h = state[0];
        for (int i = 0; i < n; i++) {
            h[i] = decay * h[i] + (1 - decay) * g[i] * g[i];
            w[i] -= lr * g[i] / (Math.sqrt(h[i]) + EPS);
        }
    }

    @Override
    public String toString() {
        return "RMSprop(lr=" + lr + ", decay=" + decay + ")";
    }
}
