package io.github.tapegrad.engine.autodiff;

import io.github.tapegrad.engine.tensor.Tensor;

/**
 * The immutable result of a gradient request: one gradient per requested value, zeros for a value the
 * output does not depend on. A request for differentiable gradients gives tracked {@link #var(Var)}s.
 */
public final class Gradients {
    private final Tape tape;
    private final Var[] byId;
    private final java.util.Set<Var> requested;
    private final boolean recorded;
    private final boolean all;

    Gradients(Tape tape, Var[] cotangents, Var[] wrt, boolean recorded, boolean all) {
        this.tape = tape;
        this.recorded = recorded;
        this.all = all;
        this.requested = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        this.requested.addAll(java.util.List.of(wrt));
        this.byId = new Var[tape.size()];
        for (int i = 0; i < cotangents.length; i++) {
            if (cotangents[i] != null && (all || isRequested(i, wrt))) {
                byId[i] = recorded ? tape.track(cotangents[i]) : cotangents[i];
            }
        }
        for (Var w : wrt) {
            if (byId[w.id()] == null) {
                Var zero = tape.constant(Tensor.zeros(w.shape()));
                byId[w.id()] = recorded ? tape.track(zero) : zero;
            }
        }
    }

    private static boolean isRequested(int id, Var[] wrt) {
        for (Var w : wrt) if (w.id() == id) return true;
        return false;
    }

    /** The gradient with respect to {@code x}, which must have been requested (or be on the tape, for gradientsOfAll). */
    public Tensor get(Var x) {
        return var(x).value();
    }

    /** The gradient as a value on the tape: tracked, and so differentiable again, for a differentiable request. */
    public Var var(Var x) {
        Var g = x.isTracked() && x.tape() == tape && x.id() < byId.length ? byId[x.id()] : null;
        if (g == null) {
            if (all && x.isTracked() && x.tape() == tape && x.id() < byId.length) return tape.constant(Tensor.zeros(x.shape()));
            throw new IllegalArgumentException("no gradient for " + x + ": it was not among the values this request was"
                    + " made for" + (requested.isEmpty() ? "" : " " + requested));
        }
        return g;
    }

    /** Whether the gradient computation was recorded (differentiable). */
    public boolean isRecorded() {
        return recorded;
    }

    /** The gradient of a tape position, or null; for graph export. */
    public Tensor atNode(int id) {
        return id < byId.length && byId[id] != null ? byId[id].value() : null;
    }
}
