package io.github.tapegrad.nn.optim;

/**
 * AdaGrad: h ← h + ∂W²; W ← W − lr·∂W / (√h + 1e-7) (book default lr 0.01). Duchi et al. (2011) put ε inside or
 * outside the root depending on the presentation; the book adds 1e-7 outside, as here.
 */
public final class AdaGrad extends AdaptiveRateOptimizer {

    public AdaGrad(double lr) {
        super("AdaGrad", lr, 1.0, 1.0);
    }

    public AdaGrad() {
        this(0.01);
    }

    @Override
    public String toString() {
        return "AdaGrad(lr=" + lr + ")";
    }
}
