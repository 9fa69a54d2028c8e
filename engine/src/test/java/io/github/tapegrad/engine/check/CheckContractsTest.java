package io.github.tapegrad.engine.check;

import io.github.tapegrad.engine.tensor.Tolerance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The checker's arithmetic and bounds, to the digit: comparison reports on hand-made gradients, the limits of the
 * options, and the directional check's normalisation and step. Written against the survivors of a mutation run.
 */
class CheckContractsTest {

    @Test
    void aComparisonReportsItsMaximaAndItsWorstEntryExactly() {
        // d = |a − r| = (0, 0.5, 0, 1); bound = 0.1 + 0.1·|r| = (0.2, 0.35, 0.4, 0.4); excess = d − bound
        InputReport r = InputReport.compare("w", Tensor.matrix(new double[][] {{1, 2}, {3, 4}}),
                Tensor.matrix(new double[][] {{1, 2.5}, {3, 3}}), new Tolerance(0.1, 0.1));
        assertFalse(r.passed());
        assertEquals(1.0, r.maxAbsError(), 0.0);
        assertEquals(0.25, r.maxRelError(), 0.0, "max(0.5/2.5, 1/4)");
        assertArrayEquals(new int[] {1, 1}, r.worstIndex());
        assertEquals(4.0, r.analyticAtWorst(), 0.0);
        assertEquals(3.0, r.referenceAtWorst(), 0.0);
        assertEquals("FAIL w (2x2): max|a-n| 1.000e+00, max rel 2.500e-01, worst at [1, 1]: 4.00000000000 vs 3.00000000000"
                + " (rule |a-n| <= 1.0e-01 + 1.0e-01*|n|)", r.toString());

        InputReport pass = InputReport.compare("b", Tensor.vector(1, 2), Tensor.vector(1, 2.1), new Tolerance(0.0, 0.05));
        assertTrue(pass.passed(), pass::toString);
        assertTrue(pass.toString().startsWith("PASS b (2): "), pass.toString());
        assertEquals(0.1 / 2.1, pass.maxRelError(), 1e-15);
    }

    @Test
    void theBoundIsInclusiveAndTiesGoToTheFirstEntry() {
        InputReport exact = InputReport.compare("x", Tensor.vector(1.5, 3), Tensor.vector(1, 2.5), new Tolerance(0.5, 0.0));
        assertTrue(exact.passed(), "an error equal to the bound passes: " + exact);
        // the worst entry exceeds its bound most, not the one with the largest error: (1.2 vs 0.2) exceeds 0.2 by 0.8,
        // (3 vs 1.5) its bound 1.5 by nothing
        InputReport excess = InputReport.compare("x", Tensor.vector(1.2, 3), Tensor.vector(0.2, 1.5), new Tolerance(0.0, 1.0));
        assertArrayEquals(new int[] {0}, excess.worstIndex(), excess::toString);
        InputReport tie = InputReport.compare("x", Tensor.vector(1, 1, 1), Tensor.vector(0, 0, 0), new Tolerance(0.0, 0.0));
        assertArrayEquals(new int[] {0}, tie.worstIndex(), "equal excesses: the first entry is the worst");
        InputReport zeros = InputReport.compare("x", Tensor.vector(0, 0), Tensor.vector(0, 0), new Tolerance(0.0, 0.0));
        assertTrue(zeros.passed());
        assertEquals(0.0, zeros.maxRelError(), 0.0, "both zero: relative error 0, not NaN");
        InputReport nan = InputReport.compare("x", Tensor.vector(1, Double.NaN), Tensor.vector(1, 1), new Tolerance(1.0, 1.0));
        assertFalse(nan.passed(), "NaN always fails");
        assertEquals(Double.POSITIVE_INFINITY, nan.maxAbsError());
        assertArrayEquals(new int[] {1}, nan.worstIndex(), "the NaN entry is the worst, wherever it is");
        InputReport nanReference = InputReport.compare("x", Tensor.vector(5, 1), Tensor.vector(1, Double.NaN), new Tolerance(0.0, 0.0));
        assertArrayEquals(new int[] {1}, nanReference.worstIndex(), "a NaN reference is worse than any finite error");
        InputReport nanAnalytic = InputReport.compareAnalytic("x", Tensor.vector(5, Double.NaN), Tensor.vector(1, 1), 1e-10);
        assertArrayEquals(new int[] {1}, nanAnalytic.worstIndex());
        assertThrows(IllegalArgumentException.class,
                () -> InputReport.compare("x", Tensor.vector(1, 2), Tensor.vector(1, 2, 3), new Tolerance(0.0, 0.0)));
    }

    @Test
    void anAnalyticComparisonIsRelativeToTheLargerValueAndAtLeastOne() {
        // |a − b| ≤ 1e-3·max(1, |a|, |b|): 1.0005 vs 1 passes, 1000.9 vs 1000 passes, 1.002 vs 1 fails
        assertTrue(InputReport.compareAnalytic("w", Tensor.vector(1.0005, 1000.9), Tensor.vector(1, 1000), 1e-3).passed());
        InputReport r = InputReport.compareAnalytic("w", Tensor.vector(1.002, 0), Tensor.vector(1, 0), 1e-3);
        assertFalse(r.passed());
        assertTrue(r.toString().endsWith("(rule |a-b| <= 1.0e-03*max(1, |a|, |b|))"), r.toString());
    }

    @Test
    void aReportSummarisesItsInputs() {
        InputReport good = InputReport.compare("input 0", Tensor.vector(1), Tensor.vector(1.25), new Tolerance(1.0, 0.0));
        InputReport bad = InputReport.compare("input 1", Tensor.vector(3), Tensor.vector(1), new Tolerance(0.5, 0.0));
        Report passing = new Report("f", List.of(good), GradCheck.Options.DEFAULT);
        assertSame(passing, passing.requirePassed());
        assertEquals(0.25, passing.maxAbsError(), 0.0);
        Report failing = new Report("f", List.of(good, bad), GradCheck.Options.DEFAULT);
        assertEquals(2.0, failing.maxAbsError(), 0.0);
        assertTrue(failing.toString().startsWith("gradient check of f: FAIL\n  PASS input 0"), failing.toString());
        assertTrue(passing.toString().startsWith("gradient check of f: PASS\n"), passing.toString());
        GradCheckFailure e = assertThrows(GradCheckFailure.class, failing::requirePassed);
        assertEquals(failing.toString(), e.getMessage());
    }

    @Test
    void optionsAndTolerancesKeepTheirLimitsInclusive() {
        GradCheck.Options edge = new GradCheck.Options(new Tolerance(0, 0), 0.1, 7);
        assertEquals(0.1, edge.step());
        assertThrows(IllegalArgumentException.class, () -> new Tolerance(-1e-12, 0));
        assertThrows(IllegalArgumentException.class, () -> new Tolerance(0, -1e-12));
        assertThrows(IllegalArgumentException.class, () -> new Tolerance(Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new Tolerance(0, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new GradCheck.Options(null, 0.01, 0));
        assertThrows(IllegalArgumentException.class, () -> new GradCheck.Options(new Tolerance(0, 0), Math.nextUp(0.1), 0));
        assertThrows(IllegalArgumentException.class, () -> new GradCheck.Options(new Tolerance(0, 0), 0.0, 0));
        GradCheck.Options t = edge.withTolerance(new Tolerance(2e-5, 3e-3));
        assertEquals(new GradCheck.Options(new Tolerance(2e-5, 3e-3), 0.1, 7), t);
        assertEquals(new GradCheck.Options(new Tolerance(0, 0), 0.1, 99), edge.withSeed(99));
    }

    @Test
    void aToleranceIsTheAllcloseRule() {
        Tolerance t = new Tolerance(0.1, 0.5);
        assertTrue(t.accepts(2.1, 2.0) && t.accepts(3.0, 2.0) && t.accepts(-0.1, 0.0), "|a - r| <= 0.1 + 0.5·|r|, inclusive");
        assertFalse(t.accepts(3.2, 2.0) || t.accepts(Double.NaN, 0) || t.accepts(0, Double.NaN));
        assertEquals("|a-n| <= 1.0e-01 + 5.0e-01*|n|", t.rule());
        assertEquals(new Tolerance(1e-5, 1e-3), GradCheck.Options.DEFAULT.tolerance(), "PyTorch gradcheck's defaults");
    }

    @Test
    void numericalGradientsCheckTheirInputsAndStep() {
        Tensor[] x = {Tensor.vector(Double.NaN, 1)};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.numericalGradient(a -> 0.0, x, 0, GradCheck.STEP));
        assertTrue(e.getMessage().contains("NaN at index [0]"), e.getMessage());
        Tensor[] ok = {Tensor.vector(1, 2)};
        assertThrows(IllegalArgumentException.class, () -> GradCheck.numericalGradient(a -> 0.0, ok, 0, 0.0));
        // the largest step allowed: central differences of a quadratic are exact at any step
        Tensor g = GradCheck.numericalGradient(a -> GradCheck.dot(a[0], a[0]), ok, 0, 0.1);
        assertArrayEquals(new double[] {2, 4}, g.toArray(), 1e-12);
        e = assertThrows(IllegalArgumentException.class, () -> GradCheck.check("f", v -> v[0].sum(), Tensor.vector(1, Double.NaN)));
        assertTrue(e.getMessage().contains("input 0 of shape (2) holds the non-finite value NaN at index [1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GradCheck.dot(Tensor.vector(1, 2), Tensor.vector(1, 2, 3)));
        assertEquals(11.0, GradCheck.dot(Tensor.vector(1, 2), Tensor.vector(3, 4)), 0.0);
    }

    @Test
    void theDirectionalCheckUsesAUnitDirection() {
        // f(x) = 3x on one entry: ⟨VJP(c), u⟩ = 3·c·u with |u| = 1, so the analytic value is ±3c exactly
        double c = Tensor.normal(new Random(0), 0, 1, 1).getFlat(0);
        GradCheck.DirectionalReport r = GradCheck.checkDirection("3x", v -> v[0].mul(3.0), GradCheck.Options.DEFAULT,
                Tensor.vector(0.7));
        assertTrue(r.passed(), r::toString);
        assertEquals(3 * Math.abs(c), Math.abs(r.analytic()), 1e-12);
        assertTrue(r.toString().startsWith("PASS 3x: directional derivative analytic"), r.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradCheck.checkDirection("f",
                v -> v[0].sum(), GradCheck.Options.DEFAULT, Tensor.vector(Double.POSITIVE_INFINITY)));
        assertTrue(e.getMessage().contains("Infinity"), e.getMessage());
    }

    @Test
    void theDirectionalStepScalesWithTheInputs() {
        // x³ at 1e9: a step of ∛ε·|x| ≈ 6e3 is accurate; an unscaled step (6e-6) is lost in the rounding of x³ ≈ 1e27
        GradCheck.DirectionalReport r = GradCheck.checkDirection("x^3", v -> v[0].pow(3), GradCheck.Options.DEFAULT,
                Tensor.vector(1e9, -2e9));
        assertTrue(r.passed(), r::toString);
        // an empty input takes no part in the scale
        GradCheck.DirectionalReport withEmpty = GradCheck.checkDirection("x^3 and nothing", v -> v[0].pow(3).add(v[1].sum()),
                GradCheck.Options.DEFAULT, Tensor.vector(1e9, -2e9), Tensor.zeros(0));
        assertTrue(withEmpty.passed(), withEmpty::toString);
    }
}
