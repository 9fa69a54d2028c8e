package io.github.tapegrad.engine.tensor;

import java.util.Locale;

/**
 * How close a value must be to a reference: |a − r| ≤ atol + rtol·|r|, NumPy's {@code allclose} rule and PyTorch
 * {@code gradcheck}'s. The one tolerance type of the library: {@link Tensor#allClose}, gradient checks and their
 * reports all take it, always as (atol, rtol).
 *
 * @param atol the absolute part, ≥ 0: what is close to a reference of 0
 * @param rtol the relative part, ≥ 0: a fraction of |r|
 */
public record Tolerance(double atol, double rtol) {

    public Tolerance {
        if (!(atol >= 0) || !(rtol >= 0) || Double.isInfinite(atol) || Double.isInfinite(rtol)) {
            throw new IllegalArgumentException("tolerances must be finite and >= 0: atol " + atol + ", rtol " + rtol);
        }
    }

    /** Whether {@code actual} is within this tolerance of {@code reference}; NaN on either side never is. */
    public boolean accepts(double actual, double reference) {
        return Math.abs(actual - reference) <= atol + rtol * Math.abs(reference);
    }

    /** The rule in words, for reports: {@code |a-n| <= 1.0e-05 + 1.0e-03*|n|}. */
    public String rule() {
        return String.format(Locale.ROOT, "|a-n| <= %.1e + %.1e*|n|", atol, rtol);
    }
}
