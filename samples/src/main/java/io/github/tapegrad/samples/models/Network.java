package io.github.tapegrad.samples.models;

import io.github.tapegrad.nn.optim.Optimizer;
import io.github.tapegrad.nn.optim.Param;
import io.github.tapegrad.samples.data.MnistData;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * A classifier the samples can train, evaluate, save and query: the book's {@link TwoLayerNet} and the chapter-6
 * {@link MultiLayerNet}. Not thread-safe.
 */
public interface Network {

    /** One training step on a batch: computes the gradients, updates the parameters, returns the batch's loss. */
    @FunctionalInterface
    interface Step {
        double run(DMatrixRMaj x, int[] labels);
    }

    /** What the network is, for the console: for example {@code TwoLayerNet(784, 50, 10)}. */
    String describe();

    /** Features per example. */
    int inputSize();

    /** Classes (scores per example). */
    int outputSize();

    /** Every parameter with its gradient buffer, in layer order: what an optimizer updates. */
    List<Param> trainableParams();

    /** Training steps that update the parameters with {@code optimizer} after the hand-written backward pass. */
    Step trainingStep(Optimizer optimizer);

    /** Fraction of the examples whose highest score is the label, in inference mode. */
    double accuracy(MnistData data);

    /** Class probabilities (softmax of the scores, inference mode) for a batch; a fresh matrix. */
    DMatrixRMaj probabilities(DMatrixRMaj x);
}
