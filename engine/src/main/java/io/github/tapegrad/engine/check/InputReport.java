package io.github.tapegrad.engine.check;

import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.engine.tensor.Tolerance;
import java.util.Arrays;
import java.util.Locale;

/**
 * How one input's analytic gradient compares with a reference gradient: the largest absolute and relative
 * errors, the worst entry (largest excess over the tolerance) and both values there. The relative error is
 * CS231n's |a − n| / max(|a|, |n|), 0 when both are 0.
 */
public record InputReport(String input, int[] shape, double maxAbsError, double maxRelError, int[] worstIndex,
                          double analyticAtWorst, double referenceAtWorst, boolean passed, String rule) {

    /**
     * Compares {@code analytic} with {@code reference} entry by entry under {@code tolerance}, |a − r| ≤ atol + rtol·|r|.
     * NaN anywhere fails.
     */
    public static InputReport compare(String input, Tensor analytic, Tensor reference, Tolerance tolerance) {
        return compare(input, analytic, reference, tolerance.atol(), tolerance.rtol(), 0.0, tolerance.rule());
    }

    /**
     * Compares two analytic gradients (for example a hand-written backward and the tape) under
     * |a − b| ≤ rel·max(1, |a|, |b|): both are exact up to rounding, so only a relative bound is needed.
     */
    public static InputReport compareAnalytic(String input, Tensor a, Tensor b, double rel) {
        return compare(input, a, b, 0.0, 0.0, rel, String.format(Locale.ROOT, "|a-b| <= %.1e*max(1, |a|, |b|)", rel));
    }

    private static InputReport compare(String input, Tensor analytic, Tensor reference, double atol, double rtol,
                                       double symmetric, String rule) {
        Shapes.checkSame("compare " + input, analytic.shape(), reference.shape());
        double[] a = analytic.toArray();
        double[] r = reference.toArray();
        double maxAbs = 0;
        double maxRel = 0;
        double worstExcess = Double.NEGATIVE_INFINITY;
        int worst = 0;
        boolean pass = true;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - r[i]);
            double bound = atol + rtol * Math.abs(r[i])
                    + (symmetric == 0 ? 0 : symmetric * Math.max(1.0, Math.max(Math.abs(a[i]), Math.abs(r[i]))));
            boolean ok = d <= bound;
            if (Double.isNaN(d)) d = Double.POSITIVE_INFINITY;
            double scale = Math.max(Math.abs(a[i]), Math.abs(r[i]));
            double rel = scale == 0 ? 0 : d / scale;
            maxAbs = Math.max(maxAbs, d);
            maxRel = Math.max(maxRel, rel);
            // NOTE: a NaN on either side makes the bound or the difference NaN; it is the worst entry there can be
            double excess = d - bound;
            if (Double.isNaN(excess)) excess = Double.POSITIVE_INFINITY;
            if (excess > worstExcess) {
                worstExcess = excess;
                worst = i;
            }
            pass &= ok;
        }
        int[] shape = analytic.shape();
        return new InputReport(input, shape, maxAbs, maxRel, Shapes.unravel(worst, shape),
                a.length == 0 ? 0 : a[worst], r.length == 0 ? 0 : r[worst], pass, rule);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s %s: max|a-n| %.3e, max rel %.3e, worst at %s: %.12g vs %.12g (rule %s)",
                passed ? "PASS" : "FAIL", input, Shapes.format(shape), maxAbsError, maxRelError,
                Arrays.toString(worstIndex), analyticAtWorst, referenceAtWorst, rule);
    }
}
