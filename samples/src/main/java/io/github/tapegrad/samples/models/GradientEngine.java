package io.github.tapegrad.samples.models;

/** Which implementation computes the book network's gradients in training. */
public enum GradientEngine {
    /** The layers' hand-written backward passes. */
    HAND,
    /** The network on the tape, each layer a fused op over its hand-written backward. */
    TAPE_FUSED,
    /** The network on the tape, each layer composed from primitives. */
    TAPE_COMPOSITE;

    /** The name as the command line spells it: hand, tape-fused, tape-composite. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
