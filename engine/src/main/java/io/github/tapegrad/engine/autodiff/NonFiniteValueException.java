package io.github.tapegrad.engine.autodiff;

/** Thrown in a tape's check mode by the first operation that produces NaN or ±Infinity. */
public final class NonFiniteValueException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    NonFiniteValueException(String message) {
        super(message);
    }
}
