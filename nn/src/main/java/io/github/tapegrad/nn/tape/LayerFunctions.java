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
}
