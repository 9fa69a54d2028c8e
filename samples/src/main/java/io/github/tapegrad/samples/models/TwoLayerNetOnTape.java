package io.github.tapegrad.samples.models;

import io.github.tapegrad.engine.autodiff.GradientRequest;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.nn.tape.FusedLayers;
import io.github.tapegrad.nn.tape.LayerFunctions;
import org.ejml.data.DMatrixRMaj;

/**
 * The same network recorded on a tape each step, built either from composites of primitives or from the
 * layers' fused ops. Used to check the hand-written backpropagation and to compare speeds.
 */
public final class TwoLayerNetOnTape {
    private TwoLayerNetOnTape() {}

    /** How the network is put on the tape. */
    public enum Form {
        /** Every layer composed from engine primitives: the tape's own rules compute every gradient. */
        COMPOSITE,
        /** Every layer as one custom op whose rule is the layer's hand-written backward. */
        FUSED
    }

    /** The loss of one forward pass and its gradients (fresh matrices). */
    public record Result(double loss, Parameters grads) {}

    /** Records the network on a fresh tape for a batch and returns the loss and the parameter gradients. */
    public static Result gradient(Parameters p, DMatrixRMaj x, int[] t, Form form) {
        Parameters grads = new Parameters(new DMatrixRMaj(p.W1().numRows, p.W1().numCols), new DMatrixRMaj(1, p.b1().numCols),
                new DMatrixRMaj(p.W2().numRows, p.W2().numCols), new DMatrixRMaj(1, p.b2().numCols));
        try (Tape tape = new Tape()) {
            return new Result(gradientInto(tape, p, x, t, form, grads), grads);
        }
    }

    /**
     * One step on a tape kept from step to step: records the network, copies the gradients into {@code grads}, and
     * rewinds the tape, so that the next step's ops reuse this step's memory (the fused form then allocates no array
     * storage) and nothing on the tape still reads the parameters when the caller updates them.
     *
     * @param tape  the step's tape, rewound on return
     * @param grads overwritten, each buffer reshaped to its parameter's shape
     * @return the loss of this forward pass
     */
    public static double gradientInto(Tape tape, Parameters p, DMatrixRMaj x, int[] t, Form form, Parameters grads) {
        try {
            // NOTE: borrowed, not copied: nothing modifies the parameters or the batch before the rewind below
            Var w1 = tape.borrowedVariable("W1", p.W1());
            Var b1 = tape.borrowedVariable("b1", p.b1());
            Var w2 = tape.borrowedVariable("W2", p.W2());
            Var b2 = tape.borrowedVariable("b2", p.b2());
            Var input = tape.borrowedConstant("x", x);
            Var loss = form == Form.COMPOSITE
                    ? LayerFunctions.softmaxWithLoss(LayerFunctions.affine(LayerFunctions.relu(
                            LayerFunctions.affine(input, w1, b1)), w2, b2), t)
                    : FusedLayers.softmaxWithLoss(FusedLayers.affine(FusedLayers.relu(
                            FusedLayers.affine(input, w1, b1)), w2, b2), t);
            tape.gradients(GradientRequest.of(loss, w1, b1, w2, b2).copyInto(grads.W1(), grads.b1(), grads.W2(), grads.b2()));
            return loss.value().item();
        } finally {
            tape.rewind();
        }
    }
}
