package io.github.tapegrad.samples.twolayer;

/**
 * Settings of a training run; {@link #book()} gives the book's (section 5.7.4).
 *
 * @param iterations    number of SGD steps
 * @param batchSize     examples per step, drawn uniformly with replacement (as {@code np.random.choice})
 * @param learningRate  SGD step size
 * @param hidden        hidden units
 * @param weightInitStd standard deviation of the initial weights
 * @param seed          seed of the one generator used for the initial weights, then the batches
 * @param engine        which backward pass computes the gradients
 */
public record TrainConfig(int iterations, int batchSize, double learningRate, int hidden, double weightInitStd, long seed,
                          Engine engine) {

    /** Which implementation computes the gradients. */
    public enum Engine {
        /** The layers' hand-written backward passes. */
        HAND,
        /** The network on the tape, each layer a fused op over its hand-written backward. */
        TAPE_FUSED,
        /** The network on the tape, each layer composed from primitives. */
        TAPE_COMPOSITE
    }

    public TrainConfig {
        if (iterations < 0) throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
        if (hidden <= 0) throw new IllegalArgumentException("hidden size must be positive, got " + hidden);
        if (!(weightInitStd >= 0) || !Double.isFinite(weightInitStd)) throw new IllegalArgumentException("weight init std must be >= 0, got " + weightInitStd);
    }

    /** The book's settings: 10000 iterations, batch 100, learning rate 0.1, 50 hidden units, std 0.01. */
    public static TrainConfig book() {
        return new TrainConfig(10000, 100, 0.1, 50, 0.01, 0L, Engine.HAND);
    }
}
