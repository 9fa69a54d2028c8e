package io.github.tapegrad.samples.models;

/**
 * A training step's loss came out NaN or ±∞: thrown before the parameters are updated, naming the engine and the first
 * place (a parameter, the input, or a layer's output) where a non-finite value appears.
 */
public final class NonFiniteLossException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public NonFiniteLossException(String engine, String where) {
        super("the loss is not finite (engine " + engine + "): " + where);
    }
}
