package io.github.tapegrad.samples.twolayer;

import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.nn.optim.Optimizer;
import io.github.tapegrad.nn.optim.Sgd;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.samples.mnist.MnistData;
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

    /** One training step on a batch: computes the gradients, updates the parameters, returns the batch's loss. */
    @FunctionalInterface
    public interface Step {
        double run(DMatrixRMaj x, int[] labels);
    }

    /** Accuracy of the current network over a data set. */
    @FunctionalInterface
    public interface Accuracy {
        double of(MnistData data);
    }

    /** The outcome of a run. */
    public record Result(double[] losses, List<Integer> evalIterations, List<Double> trainAccuracy, List<Double> testAccuracy,
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
        TwoLayerNet net = new TwoLayerNet(Parameters.initial(train.features(), config.hidden(), 10, config.weightInitStd(), rng));
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
                steps(config.engine(), net, config.learningRate()), net::accuracy);
    }

    /**
     * The loop every network shares: {@code iterations} steps on batches drawn uniformly with replacement from
     * {@code rng}, train and test accuracy every max(N/batch, 1) iterations (from iteration 0) and after the last.
     */
    public static Result loop(int iterations, int batch, Random rng, MnistData train, MnistData test, Listener listener,
                              Step step, Accuracy accuracy) {
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
        double evalSeconds = 0;
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            for (int k = 0; k < batch; k++) rows[k] = rng.nextInt(n);
            train.gather(rows, x, labels);
            losses[i] = step.run(x, labels);
            listener.step(i, losses[i]);
            if (i % iterPerEpoch == 0) {
                long e0 = System.nanoTime();
                double tr = accuracy.of(train);
                double te = accuracy.of(test);
                evalSeconds += (System.nanoTime() - e0) / 1e9;
                evalIterations.add(i);
                trainAcc.add(tr);
                testAcc.add(te);
                listener.epoch(i, trainAcc.size(), tr, te);
            }
        }
        double loop = (System.nanoTime() - start) / 1e9;
        double finalTrain = accuracy.of(train);
        double finalTest = accuracy.of(test);
        return new Result(losses, evalIterations, trainAcc, testAcc, finalTrain, finalTest, loop, loop - evalSeconds, evalSeconds);
    }

    /**
     * Training steps of the given engine for {@code net}: gradient, then SGD with {@code learningRate}; each returns the
     * loss of its forward pass. The tape engines record the network on a tape of their own each step, have its
     * gradients copied into the network's gradient buffers ({@link TwoLayerNetOnTape#gradientInto}), and rewind the
     * tape, so that the next step reuses its memory as the hand-written network reuses its buffers.
     * Not for concurrent use.
     */
    public static Step steps(TrainConfig.Engine engine, TwoLayerNet net, double learningRate) {
        return steps(engine, net, new Sgd(learningRate));
    }

    /** {@link #steps(TrainConfig.Engine, TwoLayerNet, double)} with any optimizer in place of SGD. */
    public static Step steps(TrainConfig.Engine engine, TwoLayerNet net, Optimizer optimizer) {
        TwoLayerNet.Grads g = net.grads();
        Parameters buffers = new Parameters(g.dW1(), g.db1(), g.dW2(), g.db2());
        return switch (engine) {
            case HAND -> (x, labels) -> {
                double loss = net.gradient(x, labels);
                net.update(optimizer);
                return loss;
            };
            case TAPE_FUSED -> tapeSteps(TwoLayerNetOnTape.Form.FUSED, net, buffers, optimizer);
            case TAPE_COMPOSITE -> tapeSteps(TwoLayerNetOnTape.Form.COMPOSITE, net, buffers, optimizer);
        };
    }

    private static Step tapeSteps(TwoLayerNetOnTape.Form form, TwoLayerNet net, Parameters buffers, Optimizer optimizer) {
        Tape tape = new Tape();
        return (x, labels) -> {
            double loss = TwoLayerNetOnTape.gradientInto(tape, net.params(), x, labels, form, buffers);
            net.update(optimizer);
            return loss;
        };
    }
}
