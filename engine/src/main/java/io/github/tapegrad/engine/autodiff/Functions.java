package io.github.tapegrad.engine.autodiff;

import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Targets;
import io.github.tapegrad.engine.tensor.Tensor;

/**
 * Composite functions built only from {@link Primitive}s: none has derivative code of its own, so each one's
 * gradient is whatever the chain rule over its primitives gives. Each is composed so that values and
 * gradients stay finite wherever the mathematics is finite.
 */
public final class Functions {
    private Functions() {}

    /**
     * relu(x) = max(x, 0), written as select(x ≤ 0, 0, x).
     * NOTE: the subgradient at 0 is 0, as in the book's layer ({@code mask = x <= 0}); NaN is not ≤ 0, so NaN passes through.
     */
    public static Var relu(Var x) {
        return Var.where(x.value().lessOrEqual(0.0), x.tape().constant(Tensor.zeros(x.shape())), x);
    }

    /**
     * σ(x) = ½·(1 + tanh(x/2)). Finite with a finite gradient for every finite x: the textbook 1/(1 + e⁻ˣ)
     * needs e⁻ˣ, which overflows at x = −1000 and makes its gradient 0·∞ = NaN.
     */
    public static Var sigmoid(Var x) {
        return x.mul(0.5).tanh().add(1.0).mul(0.5);
    }

    /** x·W + b, with b broadcast over the rows. */
    public static Var affine(Var x, Var w, Var b) {
        return x.matmul(w).add(b);
    }

    /**
     * log Σ exp(x) along {@code axis} = m + log Σ exp(x − m) with m the maximum of each slice. m is a constant
     * (logsumexp is shift-invariant), so no gradient flows through the max.
     */
    public static Var logSumExp(Var x, int axis, boolean keepDims) {
        Var m = x.tape().constant(x.value().max(axis, true));
        Var lse = x.sub(m).exp().sum(axis, true).log().add(m);
        return keepDims ? lse : lse.reshape(Shapes.reduce(x.shape(), Shapes.axis("logSumExp", axis, x.value().rank()), false));
    }

    /** softmax along {@code axis}: exp(x − m) / Σ exp(x − m), m the maximum of each slice (a constant shift). */
    public static Var softmax(Var x, int axis) {
        Var e = x.sub(x.tape().constant(x.value().max(axis, true))).exp();
        return e.div(e.sum(axis, true));
    }

    /** log softmax along {@code axis}: x − logsumexp(x). */
    public static Var logSoftmax(Var x, int axis) {
        return x.sub(logSumExp(x, axis, true));
    }

    /**
     * Mean cross-entropy of row-wise softmax(logits) against class-index labels:
     * (1/N) Σᵢ (logsumexp(xᵢ) − xᵢ[tᵢ]). Exact and ≥ 0; its gradient is (softmax(x) − onehot(t))/N.
     *
     * @throws IllegalArgumentException on an empty batch, a batch-size mismatch or a label outside [0, C)
     */
    public static Var crossEntropy(Var logits, int[] labels) {
        Shapes.checkRank("crossEntropy", logits.shape(), 2);
        return softmaxCrossEntropy(logits, Tensor.oneHot(checkBatch(logits, labels.length, labels), logits.value().dim(1)));
    }

    /**
     * Mean cross-entropy of row-wise softmax(logits) against one-hot target rows: (1/N) Σᵢ (logsumexp(xᵢ) − ⟨tᵢ, xᵢ⟩).
     *
     * @throws IllegalArgumentException when a target row is not one-hot (C−1 zeros and a single 1), naming the row, as
     *                                  the SoftmaxWithLoss layer does
     */
    public static Var softmaxCrossEntropy(Var logits, Tensor targets) {
        return softmaxCrossEntropy("softmaxCrossEntropy", logits, targets);
    }

    /** {@link #softmaxCrossEntropy(Var, Tensor)}, its errors starting with {@code who} (a layer's name, say). */
    public static Var softmaxCrossEntropy(String who, Var logits, Tensor targets) {
        if (targets == null) throw new IllegalArgumentException(who + ": null targets");
        Shapes.checkRank(who, logits.shape(), 2);
        checkBatch(logits, targets.rank() == 2 ? targets.dim(0) : -1, null);
        Shapes.checkSame(who + " (logits vs targets)", logits.shape(), targets.shape());
        Targets.oneHotIndices(who, targets);
        Var picked = logits.mul(logits.tape().constant(targets)).sum(1, false);
        return logSumExp(logits, 1, false).sub(picked).mean();
    }

    private static int[] checkBatch(Var logits, int targetRows, int[] labels) {
        int n = logits.value().dim(0);
        if (n == 0) throw new IllegalArgumentException("crossEntropy: empty batch");
        if (targetRows != n) {
            throw new IllegalArgumentException("crossEntropy: Expected input batch size (" + n
                    + ") to match target batch size (" + targetRows + ")");
        }
        return labels;
    }
}
