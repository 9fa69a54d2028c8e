package io.github.tapegrad.engine.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The tape's contracts at their edges: a closed tape, values from another tape, null and non-finite leaves, check
 * mode at the first index, gradients with respect to the output itself and to intermediates, names and messages.
 * Written against the survivors of a mutation run (README, "Tests"): each assertion fails if one of those mutants is
 * put back.
 */
class TapeContractsTest {

    private static void assertClosed(Executable call) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        assertTrue(e.getMessage().contains("this tape is closed"), e.getMessage());
    }

    @Test
    void everyEntryPointRefusesAClosedTape() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.scalar(2));
        Var y = x.mul(x);
        tape.close();
        assertEquals(0, tape.size(), "closing drops the record");
        assertFalse(tape.isRecording());
        assertClosed(() -> tape.variable(Tensor.scalar(1)));
        assertClosed(() -> tape.constant(Tensor.scalar(1)));
        assertClosed(tape::noRecord);
        assertClosed(tape::nodes);
        assertClosed(() -> tape.gradients(y, x));
        assertClosed(() -> tape.gradients(GradientRequest.of(y, x).copyInto(new DMatrixRMaj(1, 1))));
        assertClosed(tape::rewind);
        assertClosed(() -> tape.differentiableGradients(y, x));
        assertClosed(() -> x.add(x));
    }

    @Test
    void nullLeavesAreRefusedByName() {
        Tape tape = new Tape();
        assertEquals("constant: null tensor", assertThrows(IllegalArgumentException.class, () -> tape.constant(null)).getMessage());
        assertEquals("variable: null tensor", assertThrows(IllegalArgumentException.class, () -> tape.variable(null)).getMessage());
        assertEquals("w: null tensor", assertThrows(IllegalArgumentException.class, () -> tape.variable("w", null)).getMessage());
    }

    @Test
    void aNullInputOfACustomOpIsRefusedByName() {
        Tape tape = new Tape();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tape.apply(PrimitiveCases.X_SIN_X, (Var) null));
        assertEquals("xsinx: null value", e.getMessage());
        assertEquals("CustomOp[xsinx]", PrimitiveCases.X_SIN_X.toString());
    }

    @Test
    void anInputTheOutputDoesNotDependOnGetsZerosTrackedOnlyWhenRecorded() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.vector(1, 2));
        Var unused = tape.variable(Tensor.vector(5));
        Var y = x.mul(x).sum();
        int before = tape.size();
        Gradients plain = tape.gradients(y, unused);
        assertEquals(Tensor.vector(0), plain.get(unused));
        assertFalse(plain.var(unused).isTracked(), "a plain request records nothing");
        assertEquals(before, tape.size());
        Gradients recorded = tape.differentiableGradients(y, unused);
        assertTrue(recorded.var(unused).isTracked(), "a recorded request's zeros can be differentiated again");
        assertEquals(Tensor.vector(0, 0), tape.gradients(recorded.var(unused).sum(), x).get(x));
    }

    @Test
    void valuesFromAnotherTapeAreRefused() {
        Tape tape = new Tape();
        Tape other = new Tape();
        Var x = tape.variable(Tensor.vector(1, 2));
        Var foreign = other.variable(Tensor.vector(1, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tape.apply(PrimitiveCases.X_SIN_X, foreign));
        assertTrue(e.getMessage().startsWith("xsinx: ") && e.getMessage().contains("belongs to another tape"), e.getMessage());
        Var foreignOut = foreign.mul(foreign).sum();
        e = assertThrows(IllegalArgumentException.class, () -> tape.gradients(foreignOut, x));
        assertTrue(e.getMessage().startsWith("gradients: ") && e.getMessage().contains("belongs to another tape"), e.getMessage());
    }

    @Test
    void checkModeRefusesANonFiniteLeafAndOnlyThen() {
        Tensor bad = Tensor.vector(Double.NaN, 1);
        assertEquals(Double.NaN, new Tape().variable("w", bad).value().getFlat(0), "without check mode a NaN leaf is accepted");
        NonFiniteValueException e = assertThrows(NonFiniteValueException.class, () -> new Tape().checkFinite(true).variable("w", bad));
        assertEquals("check mode: 'w' of shape (2) holds NaN at index [0]", e.getMessage());
        e = assertThrows(NonFiniteValueException.class, () -> new Tape().checkFinite(true).variable(bad));
        assertTrue(e.getMessage().startsWith("check mode: a variable of shape (2)"), e.getMessage());
    }

    @Test
    void checkModeCatchesAForwardValueAtTheFirstIndex() {
        Tape tape = new Tape().checkFinite(true);
        Var x = tape.variable(Tensor.vector(1, 1));
        Var y = tape.variable(Tensor.vector(0, 1));
        NonFiniteValueException e = assertThrows(NonFiniteValueException.class, () -> x.div(y));
        assertTrue(e.getMessage().startsWith("check mode: div((2), (2)) at ") && e.getMessage().contains("TapeContractsTest")
                && e.getMessage().contains("produced Infinity at index [0] of its (2) output"), e.getMessage());
    }

    /** An op whose rule returns NaN at the first index: only a check of the rule's result can see it. */
    private static final CustomOp NAN_RULE = CustomOp.of("nanrule", in -> new CustomOp.Result(in[0],
            (g, needs) -> new Tensor[] {Tensor.vector(Double.NaN, 1)}));

    @Test
    void checkModeCatchesAGradientRuleAtTheFirstIndexAndOnlyThen() {
        Tape plain = new Tape();
        Var x = plain.variable(Tensor.vector(0, 4));
        Tensor g = plain.gradients(plain.apply(NAN_RULE, x).sum(), x).get(x);
        assertTrue(Double.isNaN(g.getFlat(0)), "without check mode the rule's NaN is returned");

        Tape checked = new Tape().checkFinite(true);
        Var y = checked.variable(Tensor.vector(0, 4));
        Var loss = checked.apply(NAN_RULE, y).sum();
        NonFiniteValueException e = assertThrows(NonFiniteValueException.class, () -> checked.gradients(loss, y));
        assertTrue(e.getMessage().startsWith("check mode: in the gradient rule of nanrule (created at ")
                && e.getMessage().contains("TapeContractsTest") && e.getMessage().endsWith("holds NaN at index [0]"),
                e.getMessage());
        // a rule that computes with tape operations is caught at the operation that overflows, named with the rule
        Tape ops = new Tape().checkFinite(true);
        Var z = ops.variable(Tensor.vector(0, 4));
        Var root = z.sqrt().sum();
        e = assertThrows(NonFiniteValueException.class, () -> ops.gradients(root, z));
        assertTrue(e.getMessage().startsWith("check mode: in the gradient rule of sqrt (created at "), e.getMessage());
    }

    @Test
    void creationSitesAreKeptInCheckModeOnly() {
        Tape plain = new Tape();
        plain.variable(Tensor.scalar(1));
        assertNull(plain.nodes().get(0).site());
        Tape checked = new Tape().checkFinite(true);
        checked.variable(Tensor.scalar(1)).mul(2.0);
        for (Tape.Node n : checked.nodes()) {
            assertTrue(n.site() != null && n.site().contains("TapeContractsTest.creationSitesAreKeptInCheckModeOnly"), n.site());
        }
    }

    @Test
    void theGradientOfTheOutputWithRespectToItselfIsTheSeed() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.vector(1, 2, 3));
        Var y = x.mul(2.0);
        Tensor seed = Tensor.vector(0.5, -1, 4);
        Gradients g = tape.gradients(y, seed, x, y);
        assertEquals(seed, g.get(y));
        assertEquals(Tensor.vector(1, -2, 8), g.get(x));
    }

    @Test
    void gradientsWithRespectToIntermediatesAreKept() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.vector(1, -2));
        Var y = x.mul(3.0);
        Var z = y.mul(y).sum();
        Gradients g = tape.gradients(z, y, x);
        assertEquals(Tensor.vector(6, -12), g.get(y), "dz/dy = 2y");
        assertEquals(Tensor.vector(18, -36), g.get(x), "dz/dx = 2y·3");
    }

    @Test
    void differentiableGradientsTakeASeed() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.vector(1, 2));
        Var y = x.mul(x).mul(x);
        Tensor seed = Tensor.vector(2, -1);
        Gradients first = tape.differentiableGradients(y, seed, x);
        assertTrue(first.isRecorded());
        assertFalse(tape.gradients(y, seed, x).isRecorded());
        assertEquals(Tensor.vector(6, -12), first.get(x), "3x²·seed");
        assertEquals(Tensor.vector(12, -12), tape.gradients(first.var(x).sum(), x).get(x), "6x·seed");
    }

    @Test
    void gradientsAnswerOnlyForWhatWasRequested() {
        Tape tape = new Tape();
        Var x = tape.variable("x", Tensor.vector(1, 2));
        Var w = tape.variable("w", Tensor.vector(3, 4));
        Var y = x.mul(w).sum();
        Gradients g = tape.gradients(y, x);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.get(w));
        assertTrue(e.getMessage().startsWith("no gradient for w(2)") && e.getMessage().contains("[x(2)]"), e.getMessage());
        Var later = tape.variable("later", Tensor.scalar(1));
        int recorded = tape.size();
        Gradients all = tape.gradientsOfAll(y);
        assertNull(all.atNode(recorded), "no gradient at the first position past the record");
        e = assertThrows(IllegalArgumentException.class, () -> g.get(later), "a value recorded after the request");
        assertTrue(e.getMessage().startsWith("no gradient for later()"), e.getMessage());
        assertEquals(Tensor.vector(3, 4), all.get(x));
        assertEquals(Tensor.zeros(), all.get(later), "a value the output does not depend on gets zeros, even in gradientsOfAll");
        assertNull(all.atNode(later.id()), "no gradient past the end of the record at the request");
        assertThrows(IllegalArgumentException.class, () -> all.var(tape.variable(Tensor.scalar(2))),
                "gradientsOfAll answers only for what was on the tape at the request");
        assertEquals(Tensor.vector(1, 2), all.atNode(w.id()));
    }

    @Test
    void valuesNameThemselves() {
        Tape tape = new Tape();
        Var named = tape.variable("x", Tensor.zeros(2, 3));
        Var unnamed = tape.variable(Tensor.zeros(4));
        assertEquals("v0(2x3)", new Tape().variable(Tensor.zeros(2, 3)).toString(), "the first record is v0");
        assertEquals("x(2x3)", named.toString());
        assertEquals("v1(4)", unnamed.toString());
        assertEquals("v2()", unnamed.sum().toString());
        assertEquals("const(4)", tape.constant(Tensor.zeros(4)).toString());
        assertEquals("const()", unnamed.detach().sum().toString(), "an untracked result");
    }

    @Test
    void meanAndSumToCompose() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.matrix(new double[][] {{1, 2}, {3, 6}}));
        assertEquals(3.0, x.mean().value().item());
        assertEquals(Tensor.matrix(new double[][] {{0.25, 0.25}, {0.25, 0.25}}), tape.gradients(x.mean(), x).get(x));
        assertEquals(Tensor.vector(2, 4), x.mean(0, false).value());
        assertEquals(Tensor.vector(4, 8), x.sumTo(2).value());
        assertEquals(Tensor.matrix(new double[][] {{3}, {9}}), x.sumTo(2, 1).value());
        assertTrue(x.sumTo(2, 2) == x, "sumTo its own shape is the value itself");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.sumTo(3));
        assertTrue(e.getMessage().contains("sumTo"), e.getMessage());
    }

    /** The names graphs and messages show, one per primitive; a primitive that loses its name is caught here. */
    @Test
    void everyPrimitiveHasItsName() {
        Map<String, String> expected = new TreeMap<>(Map.ofEntries(Map.entry("Add", "add"), Map.entry("Sub", "sub"),
                Map.entry("Mul", "mul"), Map.entry("Div", "div"), Map.entry("Neg", "neg"), Map.entry("Exp", "exp"),
                Map.entry("Log", "log"), Map.entry("Sqrt", "sqrt"), Map.entry("Tanh", "tanh"), Map.entry("Pow", "pow"),
                Map.entry("MatMul", "matmul"), Map.entry("Transpose", "transpose"), Map.entry("Reshape", "reshape"),
                Map.entry("BroadcastTo", "broadcastTo"), Map.entry("Sum", "sum"), Map.entry("Max", "max"),
                Map.entry("Select", "select"), Map.entry("Unfold", "unfold"), Map.entry("Fold", "fold"), Map.entry("Custom", "xsinx")));
        Map<String, String> seen = new TreeMap<>();
        for (PrimitiveCases.Case c : PrimitiveCases.all()) {
            io.github.tapegrad.engine.testing.TensorGens.qt(PrimitiveVjpProperties.EXAMPLES).forAll(c.examples()).checkAssert(ex -> {
                Tape tape = new Tape();
                ex.applyOn(tape);
                for (Tape.Node n : tape.nodes()) if (c.op().isInstance(n.op())) seen.put(c.op().getSimpleName(), n.op().name());
            });
        }
        assertEquals(expected, seen);
    }

    /** The plain rule and the buffer-aware one with no buffers are the same rule, for every primitive. */
    @Test
    void theCompositesCheckTheirRanksAndShapes() {
        Tape tape = new Tape();
        Var cube = tape.variable(Tensor.zeros(2, 3, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Functions.crossEntropy(cube, new int[] {0, 1}));
        assertTrue(e.getMessage().startsWith("crossEntropy"), e.getMessage());
        Var logits = tape.variable(Tensor.zeros(2, 3));
        e = assertThrows(IllegalArgumentException.class, () -> Functions.softmaxCrossEntropy(cube, Tensor.zeros(2, 3, 4)));
        assertTrue(e.getMessage().startsWith("softmaxCrossEntropy"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functions.softmaxCrossEntropy(logits, Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().startsWith("softmaxCrossEntropy (logits vs targets)"), e.getMessage());
        Var x = tape.variable(Tensor.matrix(new double[][] {{1, 2}}));
        Var w = tape.variable(Tensor.matrix(new double[][] {{1, 0}, {0, 2}}));
        Var b = tape.variable(Tensor.vector(10, 20));
        assertEquals(Tensor.matrix(new double[][] {{11, 24}}), Functions.affine(x, w, b).value());
    }
}
