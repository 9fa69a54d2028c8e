package io.github.tapegrad.nn.optim;

/**
 * Nesterov's accelerated gradient in the book's form: v ← μ·v − lr·∂W; W ← W + μ²·v − (1 + μ)·lr·∂W
 * (defaults lr 0.01, μ 0.9). This is the reformulation of Bengio et al. (2013, "Advances in optimizing recurrent
 * networks") that needs the gradient at W only, not at the look-ahead point W + μ·v of Nesterov's original.
 */
public final class Nesterov extends VelocityOptimizer {

    public Nesterov(double lr, double momentum) {
        super("Nesterov", lr, momentum, true);
    }

    public Nesterov() {
        this(0.01, 0.9);
    }

    @Override
    public String toString() {
        return "Nesterov(lr=" + lr + ", momentum=" + momentum + ")";
    }
}
