package io.github.tapegrad.engine.autodiff;

import static io.github.tapegrad.engine.testing.TensorGens.dims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.tapegrad.engine.check.GradCheck;
import io.github.tapegrad.engine.check.Report;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.engine.testing.TensorGens;
import io.github.tapegrad.engine.testing.Tolerances;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The composites' gradients (chain rule over primitives) against central differences, and their extremes. */
class CompositeProperties {
    /** 100 examples each: composites add no rules of their own, so this checks the composition, not the primitives. */
    static final int EXAMPLES = 100;

    private static void holds(String name, double lo, double hi, Function<Var[], Var> f) {
        TensorGens.qt(EXAMPLES).forAll(dims(6), dims(6), longs().all()).checkAssert((n, c, seed) -> {
            Report r = GradCheck.check(name + " at (" + n + "x" + c + ")", f, Tolerances.PRIMITIVE,
                    Tensor.uniform(seed, lo, hi, n, c));
            assertTrue(r.passed(), r::toString);
        });
    }

    @Test
    void sigmoidGradient() {
        holds("sigmoid", -10, 10, v -> Functions.sigmoid(v[0]));
    }

    @Test
    void reluGradientAwayFromTheKink() {
        TensorGens.qt(EXAMPLES).forAll(dims(6), dims(6), longs().all()).checkAssert((n, c, seed) -> {
            Report r = GradCheck.check("relu", v -> Functions.relu(v[0]), Tolerances.PRIMITIVE,
                    TensorGens.awayFromZero(seed, 1e-3, 3, n, c));
            assertTrue(r.passed(), r::toString);
        });
    }

    @Test
    void softmaxLogSoftmaxLogSumExpGradients() {
        holds("softmax", -5, 5, v -> Functions.softmax(v[0], 1));
        holds("logSoftmax", -5, 5, v -> Functions.logSoftmax(v[0], 1));
        holds("logSumExp(axis 0)", -5, 5, v -> Functions.logSumExp(v[0], 0, false));
    }

    @Test
    void crossEntropyGradientAtLargeLogits() {
        TensorGens.qt(EXAMPLES).forAll(dims(6), dims(6), longs().all()).checkAssert((n, c, seed) -> {
            int[] labels = new java.util.Random(seed).ints(n, 0, c).toArray();
            Report r = GradCheck.check("crossEntropy", v -> Functions.crossEntropy(v[0], labels), Tolerances.PRIMITIVE,
                    Tensor.uniform(seed, -20, 20, n, c));
            assertTrue(r.passed(), r::toString);
        });
    }

    @Test
    void sigmoidIsFiniteAtPlusMinus1000() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.vector(-1000, 1000));
        Var y = Functions.sigmoid(x);
        assertEquals(Tensor.vector(0, 1), y.value());
        Tensor g = tape.gradients(y.sum(), x).get(x);
        assertFalse(g.hasNonFinite(), g.toString());
        assertEquals(Tensor.vector(0, 0), g);
    }

    @Test
    void softmaxAndLogSumExpSurviveHugeLogits() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.matrix(new double[][] {{1000, 0}, {-1000, -1000}}));
        assertEquals(Tensor.matrix(new double[][] {{1, 0}, {0.5, 0.5}}), Functions.softmax(x, 1).value());
        Var loss = Functions.crossEntropy(x, new int[] {1, 0});
        assertEquals((1000 + Math.log(2)) / 2, loss.value().item(), 1e-9);
        assertFalse(tape.gradients(loss, x).get(x).hasNonFinite());
    }

    @Test
    void reluAtZeroAndNaN() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.vector(0.0, -0.0, Double.NaN, 2));
        Var y = Functions.relu(x);
        assertEquals(0.0, y.value().getFlat(0));
        assertEquals(0.0, y.value().getFlat(1));
        assertTrue(Double.isNaN(y.value().getFlat(2)), "relu(NaN) is NaN, never a silent 0");
        Tensor g = tape.gradients(y, Tensor.ones(4), x).get(x);
        assertEquals(0.0, g.getFlat(0), "subgradient at 0 is 0, as in the book's layer");
        assertEquals(0.0, g.getFlat(1));
    }

    @Test
    void crossEntropyRejectsBadLabelsAndBatches() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.zeros(3, 10));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Functions.crossEntropy(x, new int[] {0, 10, 1}));
        assertTrue(e.getMessage().contains("label 10 at row 1") && e.getMessage().contains("[0, 10)"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Functions.crossEntropy(x, new int[] {0, 1}));
        assertTrue(e.getMessage().contains("Expected input batch size (3) to match target batch size (2)"), e.getMessage());
        Var empty = tape.variable(Tensor.zeros(0, 10));
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Functions.crossEntropy(empty, new int[0]));
        assertTrue(e.getMessage().contains("empty batch"), e.getMessage());
    }
}
