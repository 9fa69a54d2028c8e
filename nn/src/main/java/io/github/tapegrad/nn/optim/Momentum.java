package io.github.tapegrad.nn.optim;

/** Momentum SGD: v ← μ·v − lr·∂W; W ← W + v (book defaults lr 0.01, μ 0.9; Polyak's heavy ball). */
public final class Momentum extends Optimizer {
    private final double lr;
    private final double momentum;

    public Momentum(double lr, double momentum) {
        this.lr = positive("Momentum learning rate", lr);
        this.momentum = fraction("momentum", momentum);
    }

    public Momentum() {
        this(0.01, 0.9);
    }

    @Override
    int stateArrays() {
        return 1;
    }

    @Override
    void update(double[] w, double[] g, int n, double[][] state) {
        double[] v = state[0];
        for (int i = 0; i < n; i++) {
            v[i] = momentum * v[i] - lr * g[i];
            w[i] += v[i];
        }
    }

    @Override
    public String toString() {
        return "Momentum(lr=" + lr + ", momentum=" + momentum + ")";
    }
}
