package io.github.tapegrad.nn.optim;

/**
 * RMSprop: h ← ρ·h + (1 − ρ)·∂W²; W ← W − lr·∂W / (√h + 1e-7) (book defaults lr 0.01, ρ 0.99; Hinton's lecture
 * notes suggest ρ 0.9 and put ε inside the root).
 */
public final class RmsProp extends AdaptiveRateOptimizer {
    private final double decay;

    public RmsProp(double lr, double decay) {
        super("RMSprop", lr, fraction("RMSprop decay rate", decay), 1 - decay);
        this.decay = decay;
    }

    public RmsProp() {
        this(0.01, 0.99);
    }

    @Override
    public String toString() {
        return "RMSprop(lr=" + lr + ", decay=" + decay + ")";
    }
}
