package io.github.tapegrad.nn.optim;

/** Momentum SGD: v ← μ·v − lr·∂W; W ← W + v (book defaults lr 0.01, μ 0.9; Polyak's heavy ball). */
public final class Momentum extends VelocityOptimizer {

    public Momentum(double lr, double momentum) {
        super("Momentum", lr, momentum, false);
    }

    public Momentum() {
        this(0.01, 0.9);
    }

    @Override
    public String toString() {
        return "Momentum(lr=" + lr + ", momentum=" + momentum + ")";
    }
}
