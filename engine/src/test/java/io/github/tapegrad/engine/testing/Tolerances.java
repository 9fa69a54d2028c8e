package io.github.tapegrad.engine.testing;

import io.github.tapegrad.engine.tensor.Tolerance;
import io.github.tapegrad.engine.check.GradCheck;

/**
 * Every tolerance the test suites use, in one place, with the reason for each.
 *
 * <p>Central differences with the ∛ε step have truncation error ~h²·|f'''|/6 ≈ 6e-12 and rounding error
 * ~ε·|f|/h ≈ 4e-11·|f| for O(1) inputs; the functions under test stay O(10) at most, so 1e-7 absolute and
 * 1e-6 relative leave a margin of more than 100× over the expected error while still catching any wrong rule
 * (a wrong rule is off by O(1)).
 */
public final class Tolerances {
    private Tolerances() {}

    /** Primitive VJP vs numerical: the engine issue's bound |a − n| ≤ 1e-7 + 1e-6·|n|. */
    public static final GradCheck.Options PRIMITIVE = GradCheck.Options.DEFAULT.withTolerance(new Tolerance(1e-7, 1e-6));

    /**
     * Second order (a recorded gradient differentiated again) vs central differences of the first gradient:
     * |a − n| ≤ 1e-7 + 1e-6·|n|, as for first order. The differenced function F is now a first gradient, so the
     * truncation error h²·|F‴|/6 ≈ 6e-12·|F‴| reaches one derivative further into the primitive; on the generated
     * domains (bases of pow ≥ 0.5 with exponents down to −2, divisors ≥ 0.5) pow's is the largest, and there the
     * relative term covers it (worst measured |a − n|: 7.2e-8 for pow, 1.3e-8 for div, ≤ 1.1e-9 elsewhere). A recorded
     * rule that detaches what it should differentiate is off by O(1).
     */
    public static final GradCheck.Options SECOND_ORDER = GradCheck.Options.DEFAULT.withTolerance(new Tolerance(1e-7, 1e-6));

    /** The default numerical check ("NC"): PyTorch gradcheck's |a − n| ≤ 1e-5 + 1e-3·|n|. */
    public static final GradCheck.Options NUMERICAL = GradCheck.Options.DEFAULT;

    /**
     * Analytic vs analytic (hand-written layer vs tape): |a − b| ≤ 1e-10·max(1, |a|, |b|). Both sides are exact up
     * to summation order and EJML kernel choice, which differ in the last bits only.
     */
    public static final double ANALYTIC_RELATIVE = 1e-10;

    /** Whether two analytic values agree under {@link #ANALYTIC_RELATIVE}. */
    public static boolean analyticAgree(double a, double b) {
        return Math.abs(a - b) <= ANALYTIC_RELATIVE * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
    }
}
