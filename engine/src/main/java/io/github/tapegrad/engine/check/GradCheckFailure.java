package io.github.tapegrad.engine.check;

/** A gradient check that did not pass; the message is the full report. */
public final class GradCheckFailure extends AssertionError {
    private static final long serialVersionUID = 1L;

    public GradCheckFailure(String report) {
        super(report);
    }
}
