package io.github.tapegrad.engine.check;

import io.github.tapegrad.engine.tensor.Tolerance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.autodiff.CustomOp;
import io.github.tapegrad.engine.autodiff.Functions;
import io.github.tapegrad.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GradCheckTest {

    @Test
    void numericalGradientOfSquareIsAccurate() {
        // the step scales with |x|, so a large entry is differentiated as accurately as a small one
        for (double v : new double[] {1.0, -3.0, 1e4, 1e-3}) {
            Tensor x = Tensor.vector(v, 0.1 * v);
            Tensor g = GradCheck.numericalGradient(in -> in[0].mul(in[0]).sum().item(), new Tensor[] {x}, 0, GradCheck.STEP);
            assertTrue(g.allClose(x.mul(2.0), new Tolerance(1e-10, 1e-9)), g + " at " + x);
            assertArrayEquals(new double[] {v, 0.1 * v}, x.toArray(), 0.0, "inputs restored bit-exactly");
        }
    }

    @Test
    void aWrongRuleIsReportedWithOpInputShapeIndexAndValues() {
        CustomOp wrong = CustomOp.of("wrongsquare", in -> {
            Tensor x = in[0];
            return new CustomOp.Result(x.mul(x), (g, needs) -> new Tensor[] {g.mul(x).mul(3.0)});   // should be 2x
        });
        Report r = GradCheck.check("wrongsquare", v -> v[0].tape().apply(wrong, v[0]), Tensor.matrix(new double[][] {{1, 2}, {3, -4}}));
        assertFalse(r.passed());
        String text = r.toString();
        assertTrue(text.contains("FAIL") && text.contains("wrongsquare") && text.contains("input 0") && text.contains("(2x2)"), text);
        InputReport in = r.inputs().get(0);
        assertEquals(2, in.worstIndex().length, "worst index is a multi-index");
        assertEquals(in.analyticAtWorst() / in.referenceAtWorst(), 1.5, 1e-6, text);
        assertThrows(GradCheckFailure.class, r::requirePassed);
    }

    @Test
    void correctCompositeReportPasses() {
        Report r = GradCheck.check("softmax", v -> Functions.softmax(v[0], 1), Tensor.randn(3, 4, 5));
        assertTrue(r.passed(), r::toString);
        assertTrue(r.maxAbsError() < 1e-9, r::toString);
    }

    @Test
    void directionalCheckPassesForCorrectAndFailsForWrongRules() {
        Tensor x = Tensor.randn(5, 20, 30);
        Tensor w = Tensor.randn(6, 30, 10);
        GradCheck.DirectionalReport ok = GradCheck.checkDirection("affine-softmax",
                v -> Functions.softmax(v[0].matmul(v[1]), 1), GradCheck.Options.DEFAULT, x, w);
        assertTrue(ok.passed(), ok::toString);
        CustomOp wrong = CustomOp.of("half", in -> new CustomOp.Result(in[0].mul(2.0), (g, n) -> new Tensor[] {g}));
        GradCheck.DirectionalReport bad = GradCheck.checkDirection("half", v -> v[0].tape().apply(wrong, v[0]),
                GradCheck.Options.DEFAULT, x);
        assertFalse(bad.passed(), bad::toString);
    }

    @Test
    void badStepsAndNonFiniteInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new GradCheck.Options(new Tolerance(1e-5, 1e-3), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new GradCheck.Options(new Tolerance(1e-5, 1e-3), 0.5, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check("f", v -> v[0], Tensor.vector(1, Double.NaN)));
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("[1]"), e.getMessage());
    }
}
