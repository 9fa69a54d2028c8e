package io.github.tapegrad.nn.tape;

import io.github.tapegrad.engine.autodiff.Functions;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Tensor;

/**
 * The chapter's layers as composites of engine primitives: the same mathematics as the hand-written layers,
 * with no derivative code. Their gradients come from the tape's rules, which is what makes them an
 * independent check of the hand-written backward passes.
 */
public final class LayerFunctions {
    private LayerFunctions() {}

    /** MulLayer: x·y (broadcasting). */
    public static Var mul(Var x, Var y) {
        return x.mul(y);
    }

    /** AddLayer: x + y (broadcasting). */
    public static Var add(Var x, Var y) {
        return x.add(y);
    }

    /** Relu: select(x ≤ 0, 0, x); subgradient 0 at 0, NaN passes through. */
    public static Var relu(Var x) {
        return Functions.relu(x);
    }

    /** Sigmoid: ½(1 + tanh(x/2)). */
    public static Var sigmoid(Var x) {
        return Functions.sigmoid(x);
    }

    /** Affine: x·W + b, b broadcast over the rows; x of rank &gt; 2 is flattened to (N, D) first. */
    public static Var affine(Var x, Var w, Var b) {
        Var rows = x.shape().length > 2 ? x.reshape(x.shape()[0], -1) : x;
        return rows.matmul(w).add(b);
    }

    /**
     * BatchNormalization in training mode: per column, (x − μ)/√(σ² + 1e-6)·γ + β with the batch mean μ and biased
     * variance σ², all on the tape (the gradient flows through μ and σ² too).
     */
    public static Var batchNorm(Var x, Var gamma, Var beta) {
        Var xc = x.sub(x.mean(0, true));
        Var std = xc.mul(xc).mean(0, true).add(io.github.tapegrad.nn.BatchNormalization.EPS).sqrt();
        return xc.div(std).mul(gamma).add(beta);
    }

    /** BatchNormalization in inference mode: (x − running mean)/√(running var + 1e-6)·γ + β, the statistics constant. */
    public static Var batchNormInference(Var x, Var gamma, Var beta, Tensor runningMean, Tensor runningVar) {
        Var mean = x.tape().constant(runningMean);
        Var std = x.tape().constant(runningVar.add(io.github.tapegrad.nn.BatchNormalization.EPS).sqrt());
        return x.sub(mean).div(std).mul(gamma).add(beta);
    }

    /** Dropout in training mode with a given 0/1 mask: x·mask. */
    public static Var dropout(Var x, Tensor mask) {
        return x.mul(x.tape().constant(mask));
    }

    /** SoftmaxWithLoss with class-index labels: mean of logsumexp(xᵢ) − xᵢ[tᵢ]. */
    public static Var softmaxWithLoss(Var x, int[] labels) {
        return Functions.crossEntropy(x, labels);
    }

    /**
     * SoftmaxWithLoss with one-hot target rows: mean of logsumexp(xᵢ) − ⟨tᵢ, xᵢ⟩. Targets are checked as the layer
     * checks them, with the same message.
     */
    public static Var softmaxWithLoss(Var x, Tensor oneHot) {
        return Functions.softmaxCrossEntropy("SoftmaxWithLoss", x, oneHot);
    }

    /**
     * Convolution (NCHW) by im2col: the input's windows unfolded into rows, times the filters as an FN × C·FH·FW matrix,
     * plus the biases, folded back to (N, FN, OH, OW) — a 1×1 fold, which only moves the filter axis before the positions.
     *
     * @param w filters (FN, C, FH, FW)
     * @param b biases (FN)
     */
    public static Var convolution(Var x, Var w, Var b, int stride, int pad) {
        int[] ws = w.shape();
        int[] xs = x.shape();
        if (ws.length != 4 || xs.length != 4 || xs[1] != ws[1]) {
            throw new IllegalArgumentException("Convolution: x " + java.util.Arrays.toString(xs) + " and W " + java.util.Arrays.toString(ws)
                    + " must be (N, C, H, W) and (FN, C, FH, FW)");
        }
        io.github.tapegrad.engine.tensor.Windows win = io.github.tapegrad.engine.tensor.Windows.of("Convolution", xs, ws[2], ws[3], stride, pad);
        Var rows = x.unfold(ws[2], ws[3], stride, pad).matmul(w.reshape(ws[0], -1), false, true).add(b.reshape(1, ws[0]));
        return rows.fold(new int[] {xs[0], ws[0], win.oh(), win.ow()}, 1, 1, 1, 0);
    }

    /**
     * Max pooling (NCHW): when the windows tile the input (stride = pool size, no padding, sizes divisible) a reshape and
     * two maxima; otherwise each channel's windows unfolded (padding −∞) and their maximum. A tie routes the gradient to
     * the first maximum in row-major window order, as {@code np.argmax}.
     */
    public static Var maxPooling(Var x, int ph, int pw, int stride, int pad) {
        int[] s = x.shape();
        if (s.length != 4) throw new IllegalArgumentException("Pooling: x must be (N, C, H, W), got " + java.util.Arrays.toString(s));
        if (2 * pad > Math.min(ph, pw)) {
            throw new IllegalArgumentException("Pooling: pad " + pad + " is more than half the " + ph + "x" + pw + " pool: a window"
                    + " could hold padding only");
        }
        if (pad == 0 && stride == ph && stride == pw && s[2] % ph == 0 && s[3] % pw == 0) {
            return x.reshape(s[0], s[1], s[2] / ph, ph, s[3] / pw, pw).max(5, false).max(3, false);
        }
        io.github.tapegrad.engine.tensor.Windows win = io.github.tapegrad.engine.tensor.Windows.of("Pooling",
                new int[] {s[0] * s[1], 1, s[2], s[3]}, ph, pw, stride, pad);
        return x.reshape(s[0] * s[1], 1, s[2], s[3]).unfold(ph, pw, stride, pad, Double.NEGATIVE_INFINITY).max(1, false)
                .reshape(s[0], s[1], win.oh(), win.ow());
    }
}
