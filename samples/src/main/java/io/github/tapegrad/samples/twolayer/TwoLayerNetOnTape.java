package io.github.tapegrad.samples.twolayer;

import io.github.tapegrad.engine.autodiff.Gradients;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.nn.tape.FusedLayers;
import io.github.tapegrad.nn.tape.FusedWorkspace;
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

    /**
     * Records the network on a fresh tape for a batch and returns the loss and the parameter gradients.
     * The gradients are read-only views of the tape's immutable results.
     */
    public static Result gradient(Parameters p, DMatrixRMaj x, int[] t, Form form) {
        Recorded r = record(p, x, t, form, null);
        Gradients g = r.tape.gradients(r.loss, r.params);
        return new Result(r.loss.value().item(), new Parameters(matrix(g.get(r.params[0])), matrix(g.get(r.params[1])),
                matrix(g.get(r.params[2])), matrix(g.get(r.params[3]))));
    }

    /**
     * As {@link #gradient}, with the gradients written into {@code grads} ({@link Tape#gradientsInto}): the fused
     * Affine ops and the matmul primitive write dW straight into them, so a training loop allocates no gradient storage
     * per step. With a workspace, the fused form's ops also write their outputs into the buffers of the layers they
     * used in the previous call: nothing of the tape outlives this call, so nothing can see them change.
     *
     * @param grads     overwritten, each buffer reshaped to its parameter's shape
     * @param workspace the fused ops' layers from the previous call (rewound here), or null for fresh ones; the
     *                  composite form ignores it
     * @return the loss of this forward pass
     */
    public static double gradientInto(Parameters p, DMatrixRMaj x, int[] t, Form form, Parameters grads,
                                      FusedWorkspace workspace) {
        if (workspace != null) workspace.rewind();
        Recorded r = record(p, x, t, form, workspace);
        r.tape.gradientsInto(r.loss, r.params, new DMatrixRMaj[] {grads.W1(), grads.b1(), grads.W2(), grads.b2()});
        return r.loss.value().item();
    }

    /** A network recorded on its tape: the loss and the parameters W1, b1, W2, b2. */
    private record Recorded(Tape tape, Var loss, Var[] params) {}

    private static Recorded record(Parameters p, DMatrixRMaj x, int[] t, Form form, FusedWorkspace workspace) {
        Tape tape = new Tape();
        // NOTE: the parameters and the batch are wrapped, not copied: the tape lives only inside one call, and
        // nothing modifies them until it returns (the caller updates the parameters afterwards).
        Var w1 = tape.variable("W1", Tensor.wrap(p.W1()));
        Var b1 = tape.variable("b1", Tensor.wrap(p.b1()));
        Var w2 = tape.variable("W2", Tensor.wrap(p.W2()));
        Var b2 = tape.variable("b2", Tensor.wrap(p.b2()));
        Var input = tape.constant(Tensor.wrap(x));
        Var loss = form == Form.COMPOSITE
                ? LayerFunctions.softmaxWithLoss(LayerFunctions.affine(LayerFunctions.relu(
                        LayerFunctions.affine(input, w1, b1)), w2, b2), t)
                : FusedLayers.softmaxWithLoss(FusedLayers.affine(FusedLayers.relu(
                        FusedLayers.affine(input, w1, b1, workspace), workspace), w2, b2, workspace), t);
        return new Recorded(tape, loss, new Var[] {w1, b1, w2, b2});
    }

    private static DMatrixRMaj matrix(Tensor t) {
        return t.matrixView();
    }
}
