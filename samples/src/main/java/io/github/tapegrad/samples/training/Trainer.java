package io.github.tapegrad.samples.training;

import io.github.tapegrad.nn.optim.Sgd;
import io.github.tapegrad.samples.models.Network;
import io.github.tapegrad.samples.models.NonFiniteLossException;
import io.github.tapegrad.samples.models.Parameters;
import io.github.tapegrad.samples.models.TwoLayerNet;
import io.github.tapegrad.samples.data.MnistData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * The book's training loop (section 5.7.4): minibatch SGD, with train and test accuracy measured once per epoch
 * (every max(N/batch, 1) iterations, at iteration 0 first) and once more after the last iteration.
 *
 * <p>The loss logged per iteration is the one of the gradient pass, before that step's update; the book runs a
 * second forward pass after the update to log it, which costs a third of a step and says the same thing one
 * step later.
 */
public final class Trainer {

    /** Receives progress; all methods are called on the training thread. */
    public interface Listener {
        /** After an epoch's accuracy pass. */
        default void epoch(int iteration, int epoch, double trainAccuracy, double testAccuracy) {}

        /** After each step, with that step's loss. */
        default void step(int iteration, double loss) {}
    }

    /** Accuracy of the current network over a data set. */
    @FunctionalInterface
    public interface Accuracy {
        double of(MnistData data);
    }

    /** The outcome of a run. */
    public record Result(double[] losses, List<Integer> evalIterations, List<Double> trainAccuracy, List<Double> testAccuracy,
                         List<Double> evalPassSeconds,
                         double finalTrainAccuracy, double finalTestAccuracy, double loopSeconds, double stepSeconds,
                         double evalSeconds) {
        /** Milliseconds per training step, accuracy passes excluded. */
        public double msPerIteration() {
            return losses.length == 0 ? 0 : 1000 * stepSeconds / losses.length;
        }
    }

    private Trainer() {}

    /**
     * The book's run from scratch: a generator seeded with the config's seed draws the initial weights (as
     * {@link Parameters#initial}), then the batches. Returns the trained network's parameters with the result.
     */
    public static Trained train(TrainConfig config, MnistData train, MnistData test, Listener listener) {
        Random rng = new Random(config.seed());
        int classes = Math.max(train.classes(), test.classes());
        TwoLayerNet net = new TwoLayerNet(Parameters.initial(train.features(), config.hidden(), classes, config.weightInitStd(), rng));
        return new Trained(net, train(config, net, rng, train, test, listener));
    }

    /** A network and how its training went. */
    public record Trained(TwoLayerNet net, Result result) {}

    /** Continues training {@code net} with SGD as configured, drawing batches from {@code rng}. */
    public static Result train(TrainConfig config, TwoLayerNet net, Random rng, MnistData train, MnistData test, Listener listener) {
        if (net.params().inputSize() != train.features()) {
            throw new IllegalArgumentException("the network takes " + net.params().inputSize() + " inputs but "
                    + train.name() + " has " + train.features() + " pixels per image");
        }
        return loop(config.iterations(), config.batchSize(), rng, train, test, listener,
                net.trainingStep(config.engine(), new Sgd(config.learningRate())), net::accuracy);
    }

    /**
     * The loop every network shares: {@code iterations} steps on batches drawn uniformly with replacement from
     * {@code rng}, train and test accuracy every max(N/batch, 1) iterations (from iteration 0) and after the last.
     */
    public static Result loop(int iterations, int batch, Random rng, MnistData train, MnistData test, Listener listener,
                              Network.Step step, Accuracy accuracy) {
        return loop(iterations, batch, rng, train, test, listener, step, accuracy, accuracy);
    }

    /**
     * {@link #loop(int, int, Random, MnistData, MnistData, Listener, Network.Step, Accuracy)} with one accuracy for the
     * per-epoch passes and another for the final one (the book's convnet measures the first 1,000 images per epoch and
     * the whole test set at the end).
     */
    public static Result loop(int iterations, int batch, Random rng, MnistData train, MnistData test, Listener listener,
                              Network.Step step, Accuracy accuracy, Accuracy finalAccuracy) {
        if (iterations < 0) throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
        if (batch <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batch);
        if (train.size() == 0) throw new IllegalArgumentException("empty training set " + train.name());
        int n = train.size();
        double iterPerEpoch = Math.max((double) n / batch, 1.0);
        int[] rows = new int[batch];
        int[] labels = new int[batch];
        DMatrixRMaj x = new DMatrixRMaj(batch, train.features());
        double[] losses = new double[iterations];
        List<Integer> evalIterations = new ArrayList<>();
        List<Double> trainAcc = new ArrayList<>();
        List<Double> testAcc = new ArrayList<>();
        List<Double> evalPasses = new ArrayList<>();
        double evalSeconds = 0;
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            for (int k = 0; k < batch; k++) rows[k] = rng.nextInt(n);
            train.gather(rows, x, labels);
            try {
                losses[i] = step.run(x, labels);
            } catch (NonFiniteLossException e) {
                throw new IllegalStateException("training stopped at iteration " + i + ", before its update: " + e.getMessage()
                        + (i > 0 ? "; the loss before was " + losses[i - 1] : "") + ". A smaller learning rate or smaller initial"
                        + " weights usually help", e);
            }
            listener.step(i, losses[i]);
            if (i % iterPerEpoch == 0) {
                long e0 = System.nanoTime();
                double tr = accuracy.of(train);
                double te = accuracy.of(test);
                double pass = (System.nanoTime() - e0) / 1e9;
                evalSeconds += pass;
                evalPasses.add(pass);
                evalIterations.add(i);
                trainAcc.add(tr);
                testAcc.add(te);
                listener.epoch(i, trainAcc.size(), tr, te);
            }
        }
        double loop = (System.nanoTime() - start) / 1e9;
        double finalTrain = finalAccuracy.of(train);
        double finalTest = finalAccuracy.of(test);
        return new Result(losses, evalIterations, trainAcc, testAcc, evalPasses, finalTrain, finalTest, loop, loop - evalSeconds, evalSeconds);
    }
}
