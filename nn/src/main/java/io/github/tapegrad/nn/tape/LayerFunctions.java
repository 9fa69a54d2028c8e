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

    /** SoftmaxWithLoss with class-index labels: mean of logsumexp(xᵢ) − xᵢ[tᵢ]. */
    public static Var softmaxWithLoss(Var x, int[] labels) {
        return Functions.crossEntropy(x, labels);
    }

    /** SoftmaxWithLoss with one-hot target rows: mean of logsumexp(xᵢ) − ⟨tᵢ, xᵢ⟩. */
    public static Var softmaxWithLoss(Var x, Tensor oneHot) {
        return Functions.softmaxCrossEntropy(x, oneHot);
    }
}
