package io.github.tapegrad.samples.models;

import io.github.tapegrad.engine.autodiff.GradientRequest;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.nn.optim.Param;
import io.github.tapegrad.nn.tape.FusedLayers;
import io.github.tapegrad.nn.tape.LayerFunctions;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * The SimpleConvNet recorded on a tape each step, from composites of primitives (the convolution an unfold, a product
 * and a fold; the pooling a reshape and two maxima) or from fused ops (conv-relu-pool as one {@code ConvReluPool} op,
 * like the hand-written network): to check the hand-written backpropagation and to compare speeds.
 */
public final class SimpleConvNetOnTape {
    private SimpleConvNetOnTape() {}

    /**
     * Records the network for a batch on {@code tape}, copies the six parameters' gradients into {@code grads} (in
     * {@link SimpleConvNet#trainableParams()} order, each reshaped to its parameter's shape) and rewinds the tape.
     *
     * @return the loss of this forward pass
     */
    public static double gradientInto(Tape tape, SimpleConvNet net, DMatrixRMaj x, int[] t, TwoLayerNetOnTape.Form form,
                                      List<DMatrixRMaj> grads) {
        SimpleConvNet.Config c = net.config();
        List<Param> p = net.trainableParams();
        try {
            // NOTE: borrowed, not copied: nothing modifies the parameters or the batch before the rewind below
            Var[] v = new Var[p.size()];
            for (int i = 0; i < v.length; i++) v[i] = tape.borrowedVariable(p.get(i).name(), p.get(i).value());
            Var w1 = v[0].reshape(c.filters(), c.channels(), c.filterSize(), c.filterSize());
            Var b1 = v[1].reshape(c.filters());
            Var input = tape.borrowedConstant("x", x, x.numRows, c.channels(), c.height(), c.width());
            boolean composite = form == TwoLayerNetOnTape.Form.COMPOSITE;
            Var h;
            if (composite) {
                h = LayerFunctions.maxPooling(LayerFunctions.relu(LayerFunctions.convolution(input, w1, b1, 1, 0)), 2, 2, 2, 0);
            } else {
                h = FusedLayers.convReluPool(input, w1, b1, 1, 0, 2, 2, 2, 0);
            }
            // the composite Affine takes a matrix; the fused one reads a batch of maps as its rows in place
            if (composite) h = h.reshape(x.numRows, -1);
            Var loss = composite
                    ? LayerFunctions.softmaxWithLoss(LayerFunctions.affine(LayerFunctions.relu(LayerFunctions.affine(h, v[2], v[3])), v[4], v[5]), t)
                    : FusedLayers.softmaxWithLoss(FusedLayers.affine(FusedLayers.relu(FusedLayers.affine(h, v[2], v[3])), v[4], v[5]), t);
            tape.gradients(GradientRequest.of(loss, v).copyInto(grads.toArray(DMatrixRMaj[]::new)));
            return loss.value().item();
        } finally {
            tape.rewind();
        }
    }

    /** {@link #gradientInto} on a fresh tape, into fresh matrices. */
    public static List<DMatrixRMaj> gradient(SimpleConvNet net, DMatrixRMaj x, int[] t, TwoLayerNetOnTape.Form form) {
        List<DMatrixRMaj> grads = net.trainableParams().stream().map(q -> new DMatrixRMaj(q.value().numRows, q.value().numCols)).toList();
        try (Tape tape = new Tape()) {
            gradientInto(tape, net, x, t, form, grads);
        }
        return grads;
    }
}
