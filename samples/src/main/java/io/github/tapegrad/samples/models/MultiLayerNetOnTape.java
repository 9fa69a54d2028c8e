package io.github.tapegrad.samples.models;

import io.github.tapegrad.engine.autodiff.Functions;
import io.github.tapegrad.engine.autodiff.Gradients;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.nn.optim.Param;
import io.github.tapegrad.nn.tape.LayerFunctions;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * A {@link MultiLayerNet}'s training-mode loss rebuilt on a tape from composites of primitives, to check its
 * hand-written backpropagation. Dropout replays given masks, so both sides drop the same units.
 */
public final class MultiLayerNetOnTape {
    private MultiLayerNetOnTape() {}

    /** The loss and one gradient per parameter, in {@link MultiLayerNet#params()} order. */
    public record Result(double loss, List<Tensor> grads) {}

    /**
     * @param masks one 0/1 keep-mask per Dropout layer (N×H), as the hand-written pass drew them
     */
    public static Result gradient(MultiLayerNet net, DMatrixRMaj x, int[] t, List<Tensor> masks) {
        Tape tape = new Tape();
        List<Var> vars = new ArrayList<>();
        for (Param p : net.params()) vars.add(tape.variable(p.name(), Tensor.fromMatrix(p.value())));
        Var loss = loss(net.config(), vars, x, t, masks);
        Gradients g = tape.gradients(loss, vars.toArray(new Var[0]));
        List<Tensor> grads = new ArrayList<>();
        for (Var var : vars) grads.add(g.get(var));
        return new Result(loss.value().item(), grads);
    }

    /** The training-mode loss as a function of the parameters (in {@link MultiLayerNet#params()} order) on their tape. */
    public static Var loss(NetConfig c, List<Var> vars, DMatrixRMaj x, int[] t, List<Tensor> masks) {
        Var h = vars.get(0).tape().constant(Tensor.fromMatrix(x));
        int v = 0;
        int layersCount = c.hidden().length + 1;
        Var decay = null;
        for (int i = 0; i < layersCount; i++) {
            Var w = vars.get(v++);
            Var b = vars.get(v++);
            if (c.weightDecay() > 0) {
                Var sq = w.mul(w).sum();
                decay = decay == null ? sq : decay.add(sq);
            }
            h = LayerFunctions.affine(h, w, b);
            if (i == layersCount - 1) break;
            if (c.batchNorm()) h = LayerFunctions.batchNorm(h, vars.get(v++), vars.get(v++));
            h = c.activation() == NetConfig.Activation.RELU ? Functions.relu(h) : Functions.sigmoid(h);
            if (c.dropout() > 0) h = LayerFunctions.dropout(h, masks.get(i));
        }
        Var loss = LayerFunctions.softmaxWithLoss(h, t);
        return decay == null ? loss : loss.add(decay.mul(0.5 * c.weightDecay()));
    }
}
