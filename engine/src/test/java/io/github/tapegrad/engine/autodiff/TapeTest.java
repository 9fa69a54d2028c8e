package io.github.tapegrad.engine.autodiff;

import io.github.tapegrad.engine.tensor.Tolerance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.check.InputReport;
import io.github.tapegrad.engine.testing.Tolerances;
import io.github.tapegrad.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TapeTest {
    private static final double GOLDEN = 1e-9;

    @Test
    void buyApplesSection541() {
        Tape tape = new Tape();
        Var apple = tape.variable("apple", Tensor.scalar(100));
        Var appleNum = tape.variable("apple_num", Tensor.scalar(2));
        Var tax = tape.variable("tax", Tensor.scalar(1.1));
        Var price = apple.mul(appleNum).mul(tax);
        Gradients g = tape.gradients(price, apple, appleNum, tax);
        assertEquals(220, price.value().item(), GOLDEN);
        assertEquals(2.2, g.get(apple).item(), GOLDEN);
        assertEquals(110, g.get(appleNum).item(), GOLDEN);
        assertEquals(200, g.get(tax).item(), GOLDEN);
    }

    @Test
    void buyApplesAndOrangesSection542() {
        Tape tape = new Tape();
        Var apple = tape.variable("apple", Tensor.scalar(100));
        Var appleNum = tape.variable("apple_num", Tensor.scalar(2));
        Var orange = tape.variable("orange", Tensor.scalar(150));
        Var orangeNum = tape.variable("orange_num", Tensor.scalar(3));
        Var tax = tape.variable("tax", Tensor.scalar(1.1));
        Var price = apple.mul(appleNum).add(orange.mul(orangeNum)).mul(tax);
        Gradients g = tape.gradients(price, apple, appleNum, orange, orangeNum, tax);
        assertEquals(715, price.value().item(), GOLDEN);
        assertEquals(110, g.get(appleNum).item(), GOLDEN);
        assertEquals(2.2, g.get(apple).item(), GOLDEN);
        assertEquals(3.3, g.get(orange).item(), GOLDEN);
        assertEquals(165, g.get(orangeNum).item(), GOLDEN);
        assertEquals(650, g.get(tax).item(), GOLDEN);
    }

    @Test
    void fanOutSumsGradients() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.vector(1, -2, 3));
        Var y = x.mul(x).add(x.exp()).add(x);          // diamond: x used four times
        Tensor g = tape.gradients(y.sum(), x).get(x);
        Tensor expected = Tensor.vector(1, -2, 3).mul(2).add(Tensor.vector(1, -2, 3).exp()).add(1);
        assertTrue(g.allClose(expected, new Tolerance(0, 1e-15)), g + " vs " + expected);
    }

    @Test
    void unusedInputsGetZerosOfTheirShape() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.vector(1, 2));
        Var unused = tape.variable(Tensor.zeros(2, 3));
        Var later = tape.variable(Tensor.scalar(1));
        Var y = x.sum();
        Gradients g = tape.gradients(y, x, unused, later);
        assertEquals(Tensor.zeros(2, 3), g.get(unused));
        assertEquals(Tensor.zeros(), g.get(later));
    }

    @Test
    void repeatedRequestsGiveTheSameAnswerAndRecordNothing() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.vector(0.3, -0.7));
        Var y = Functions.sigmoid(x).sum();
        int size = tape.size();
        Tensor first = tape.gradients(y, x).get(x);
        Tensor second = tape.gradients(y, x).get(x);
        assertEquals(first, second);
        assertEquals(size, tape.size(), "a plain gradient request records nothing");
    }

    @Test
    @SuppressWarnings("try") // the scope is the point: closing it turns recording back on
    void detachAndNoRecordStopGradients() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.scalar(3));
        Var y = x.mul(x.detach());                      // d/dx (x·c) = c = 3
        assertEquals(3, tape.gradients(y, x).get(x).item(), 0);
        int size = tape.size();
        Var z;
        try (Tape.NoRecord ignored = tape.noRecord()) {
            z = x.mul(x).add(1.0);
            assertFalse(tape.isRecording());
        }
        assertTrue(tape.isRecording());
        assertEquals(10, z.value().item(), 0);
        assertFalse(z.isTracked());
        assertEquals(size, tape.size(), "nothing recorded under noRecord");
        assertThrows(IllegalArgumentException.class, () -> tape.gradients(z, x));
    }

    @Test
    void secondDerivativeOfCube() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.vector(-1.5, 0.5, 2));
        Var y = x.pow(3).sum();
        Gradients first = tape.differentiableGradients(y, x);          // 3x²
        assertTrue(first.var(x).isTracked());
        Tensor second = tape.gradients(first.var(x).sum(), x).get(x);  // 6x
        assertTrue(second.allClose(Tensor.vector(-9, 3, 12), new Tolerance(0, 1e-14)), second.toString());
        Gradients firstOfLinear = tape.differentiableGradients(x.sum(), x);
        assertEquals(Tensor.zeros(3), tape.gradients(firstOfLinear.var(x).sum(), x).get(x), "d²/dx² of a linear function");
    }

    @Test
    void hessianVectorProductOfSmallMlpMatchesFiniteDifferences() {
        Tensor input = Tensor.randn(1, 4, 3);
        Tensor w1 = Tensor.randn(2, 3, 5).mul(0.5);
        Tensor w2 = Tensor.randn(3, 5, 2).mul(0.5);
        Tensor v = Tensor.randn(4, 3, 5);
        // Hv from the tape: d/dW1 ⟨∇_W1 L, v⟩
        Tape tape = new Tape();
        Var w1v = tape.variable(w1);
        Var loss = mlpLoss(tape, input, w1v, w2);
        Var grad = tape.differentiableGradients(loss, w1v).var(w1v);
        Tensor hv = tape.gradients(grad.mul(tape.constant(v)).sum(), w1v).get(w1v);
        // finite differences of the gradient along v
        double eps = 1e-5;
        Tensor fd = gradient(input, w1.add(v.mul(eps)), w2).sub(gradient(input, w1.sub(v.mul(eps)), w2)).mul(1 / (2 * eps));
        InputReport r = InputReport.compare("Hv", hv, fd, Tolerances.NUMERICAL.tolerance());
        assertTrue(r.passed(), r::toString);
    }

    private static Var mlpLoss(Tape tape, Tensor input, Var w1, Tensor w2) {
        Var h = tape.constant(input).matmul(w1).tanh();
        return Functions.crossEntropy(h.matmul(tape.constant(w2)), new int[] {0, 1, 1, 0});
    }

    private static Tensor gradient(Tensor input, Tensor w1, Tensor w2) {
        Tape tape = new Tape();
        Var w = tape.variable(w1);
        return tape.gradients(mlpLoss(tape, input, w, w2), w).get(w);
    }

    @Test
    void nonScalarOutputNeedsASeedOfItsShape() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.ones(3, 4));
        Var y = x.mul(2.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.gradients(y, x));
        assertTrue(e.getMessage().contains("only for scalar outputs") && e.getMessage().contains("(3x4)"), e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> tape.gradients(y, Tensor.ones(4, 3), x));
        assertTrue(bad.getMessage().contains("(4x3)") && bad.getMessage().contains("(3x4)"), bad.getMessage());
        assertEquals(Tensor.full(6, 3, 4), tape.gradients(y, Tensor.full(3, 3, 4), x).get(x));
    }

    @Test
    void valuesFromAnotherTapeAreRejected() {
        Tape a = new Tape();
        Tape b = new Tape();
        Var x = a.variable(Tensor.scalar(1));
        Var y = b.variable(Tensor.scalar(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.add(y));
        assertTrue(e.getMessage().contains("another tape"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.gradients(x, y));
    }

    @Test
    void untrackedValuesCannotBeDifferentiatedAgainst() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.scalar(1));
        Var c = tape.constant(Tensor.scalar(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tape.gradients(x.mul(c), c));
        assertTrue(e.getMessage().contains("not tracked"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tape.gradients(c.mul(c), x), "untracked output");
    }

    @Test
    void customOpKeepsSavedValuesPerApplication() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.vector(0.5, 1.0));
        Var y = tape.variable(Tensor.vector(-2.0, 3.0));
        Var fx = tape.apply(PrimitiveCases.X_SIN_X, x);
        Var fy = tape.apply(PrimitiveCases.X_SIN_X, y);  // a second use must not overwrite the first one's saved x
        Gradients g = tape.gradients(fx.sum().add(fy.sum()), x, y);
        assertTrue(g.get(x).allClose(derivative(0.5, 1.0), new Tolerance(0, 1e-15)));
        assertTrue(g.get(y).allClose(derivative(-2.0, 3.0), new Tolerance(0, 1e-15)));
    }

    private static Tensor derivative(double... xs) {
        double[] d = new double[xs.length];
        for (int i = 0; i < xs.length; i++) d[i] = Math.sin(xs[i]) + xs[i] * Math.cos(xs[i]);
        return Tensor.vector(d);
    }

    @Test
    void recordedGradientsThroughANonRecordableCustomOpFailClearly() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.vector(0.5, 1.0));
        Var y = tape.apply(PrimitiveCases.X_SIN_X, x).sum();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.differentiableGradients(y, x));
        assertTrue(e.getMessage().contains("xsinx") && e.getMessage().contains("recordable"), e.getMessage());
    }

    @Test
    void customOpWithRecordableRuleSupportsSecondDerivatives() {
        CustomOp cube = CustomOp.of("cube", in -> {
            Tensor x0 = in[0];
            return new CustomOp.Result(x0.pow(3), new CustomOp.Backward() {
                public Tensor[] vjp(Tensor g, boolean[] needs) {
                    return new Tensor[] {g.mul(x0.pow(2).mul(3))};
                }

                public Var[] recordedVjp(Var g, Var[] inputs, Var out, boolean[] needs) {
                    return new Var[] {g.mul(inputs[0].pow(2).mul(3.0))};
                }
            });
        });
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.scalar(2));
        Var dy = tape.differentiableGradients(tape.apply(cube, x), x).var(x);
        assertEquals(12, dy.value().item(), 0);
        assertEquals(12, tape.gradients(dy, x).get(x).item(), 1e-12);
    }

    @Test
    void checkModeNamesTheFirstOperationThatProducesNaN() {
        Tape tape = new Tape().checkFinite(true);
        Var x = tape.variable("x", Tensor.vector(1, 0, 2));
        Var y = x.mul(2.0);
        NonFiniteValueException e = assertThrows(NonFiniteValueException.class, () -> y.log().sum());
        assertTrue(e.getMessage().contains("log") && e.getMessage().contains("[1]"), e.getMessage());
        assertTrue(e.getMessage().contains("TapeTest"), "names the creation site: " + e.getMessage());
        assertThrows(NonFiniteValueException.class, () -> tape.variable("bad", Tensor.vector(Double.NaN)));
        Tape off = new Tape();
        Var z = off.variable(Tensor.vector(1, 0)).log();
        assertTrue(Double.isInfinite(z.value().getFlat(1)), "without check mode values propagate");
    }

    @Test
    void checkModeCatchesNonFiniteGradients() {
        Tape tape = new Tape().checkFinite(true);
        Var x = tape.variable("x", Tensor.vector(0.0, 4.0));
        Var y = x.sqrt().sum();       // finite forward (0, 2), infinite derivative at 0
        NonFiniteValueException e = assertThrows(NonFiniteValueException.class, () -> tape.gradients(y, x));
        assertTrue(e.getMessage().contains("gradient rule of"), e.getMessage());
    }

    @Test
    void gradientsOfIntermediatesAreAvailableForGraphs() {
        Tape tape = new Tape();
        Var a = tape.variable("a", Tensor.scalar(2));
        Var b = a.mul(3.0);
        Var c = b.mul(b);
        Gradients all = tape.gradientsOfAll(c);
        assertEquals(12, all.get(b).item(), 0);     // dc/db = 2b
        assertEquals(36, all.get(a).item(), 0);     // dc/da = 2b·3
        assertSame(c.tape(), tape);
    }
}
