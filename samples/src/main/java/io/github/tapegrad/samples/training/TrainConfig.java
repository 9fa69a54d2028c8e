package io.github.tapegrad.samples.training;

import io.github.tapegrad.samples.models.GradientEngine;

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
                          GradientEngine engine) {

    public TrainConfig {
        if (iterations < 0) throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
        if (engine == null) throw new IllegalArgumentException("no gradient engine given");
        if (hidden <= 0) throw new IllegalArgumentException("hidden size must be positive, got " + hidden);
        if (!(weightInitStd >= 0) || !Double.isFinite(weightInitStd)) throw new IllegalArgumentException("weight init std must be >= 0, got " + weightInitStd);
    }

    /** The book's settings: 10000 iterations, batch 100, learning rate 0.1, 50 hidden units, std 0.01. */
    public static TrainConfig book() {
        return new TrainConfig(10000, 100, 0.1, 50, 0.01, 0L, GradientEngine.HAND);
    }
}
