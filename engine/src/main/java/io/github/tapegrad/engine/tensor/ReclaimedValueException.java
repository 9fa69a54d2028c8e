package io.github.tapegrad.engine.tensor;

/**
 * Thrown on any read of a tensor whose storage its {@link Arena} has reclaimed: the memory now belongs to a later
 * step, so reading it would show another step's numbers.
 */
public final class ReclaimedValueException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ReclaimedValueException(String message) {
        super(message);
    }
}
