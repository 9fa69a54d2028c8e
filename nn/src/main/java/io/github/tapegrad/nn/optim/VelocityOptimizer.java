package io.github.tapegrad.nn.optim;

/**
 * The momentum pair: a velocity v ← μ·v − lr·∂W, then W ← W + a·v − b·∂W. Momentum takes a = 1, b = 0 (W ← W + v, the
 * same bits); Nesterov's book form takes a = μ², b = (1 + μ)·lr.
 */
abstract class VelocityOptimizer extends ElementwiseOptimizer {
    final double lr;
    final double momentum;
    private final double a;
    private final double b;

    VelocityOptimizer(String name, double lr, double momentum, boolean nesterov) {
        this.lr = positive(name + " learning rate", lr);
        this.momentum = fraction("momentum", momentum);
        this.a = nesterov ? momentum * momentum : 1.0;
        this.b = nesterov ? (1 + momentum) * lr : 0.0;
    }

    @Override
    protected final int stateArrays() {
        return 1;
    }

    @Override
    protected final void update(double[] w, double[] g, int n, double[][] state) {
        double[] v = state[0];
        for (int i = 0; i < n; i++) {
            v[i] = momentum * v[i] - lr * g[i];
            w[i] += a * v[i] - b * g[i];
        }
    }
}
