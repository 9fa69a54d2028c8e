package io.github.tapegrad.engine.autodiff;

import io.github.tapegrad.engine.tensor.Arena;
import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * An append-only record of the primitive operations applied to tracked values, replayed in reverse to
 * compute gradients.
 *
 * <pre>{@code
 * Tape tape = new Tape();
 * Var x = tape.variable("x", Tensor.scalar(3));
 * Var y = x.mul(x).add(x);                       // y = x² + x
 * Tensor dydx = tape.gradients(y, x).get(x);     // 2x + 1 = 7
 * }</pre>
 *
 * <p>Records are appended in execution order, so walking them backwards is already a reverse topological
 * order. A gradient request ({@link GradientRequest}) returns an immutable {@link Gradients}; asking twice gives the
 * same answer. The walk itself lives in {@code ReverseWalk}, check mode in {@code FiniteChecks}.
 *
 * <p><b>Steps.</b> A training loop records one graph per step on one tape and calls {@link #rewind()} between steps:
 * the record is cleared and the tape's {@link Arena} reclaims the step's memory, which the next step's ops reuse (ops
 * that ask for it, such as the fused layers, then allocate no array storage). Values of a rewound step that live in
 * that memory throw on any read; values and variables of an earlier step cannot be used in a later one.
 *
 * <p><b>Threads:</b> a Tape is used by one thread at a time; it does no locking. Different tapes are independent.
 */
public final class Tape implements AutoCloseable {

    /** One entry of the record: a variable ({@code op == null}) or the output of a primitive. */
    public record Node(int id, Var value, Primitive op, String site) {}

    private final List<Node> nodes = new ArrayList<>();
    private final Arena arena = new Arena();
    private boolean recording = true;
    private boolean checkFinite;
    private boolean closed;
    /** noRecord scopes open right now: each must be closed after the ones opened inside it. */
    private int noRecordDepth;
    /** How many times this tape has been rewound: a tracked Var remembers the step it was recorded in. */
    private int step;

    // ------------------------------------------------------------------ values

    /** A tracked input value, named for messages and graphs. */
    public Var variable(String name, Tensor value) {
        ensureOpen();
        FiniteChecks.leaf(checkFinite, name, value);
        Var v = new Var(this, nodes.size(), step, value, name);
        nodes.add(new Node(v.id(), v, null, FiniteChecks.site(checkFinite)));
        return v;
    }

    /** A tracked input value. */
    public Var variable(Tensor value) {
        return variable(null, value);
    }

    /**
     * A tracked input over the caller's matrix for this step only, without copying ({@link Arena#borrow}): the caller
     * must not modify {@code m} before the next {@link #rewind()}; after it, reads of the value throw.
     */
    public Var borrowedVariable(String name, DMatrixRMaj m) {
        ensureOpen();
        return variable(name, arena.borrow(m, name));
    }

    /** A constant: it takes part in operations but receives no gradient. */
    public Var constant(Tensor value) {
        ensureOpen();
        FiniteChecks.leaf(checkFinite, "constant", value);
        return new Var(this, -1, step, value, null);
    }

    /** A constant over the caller's matrix for this step only, without copying (see {@link #borrowedVariable}). */
    public Var borrowedConstant(String name, DMatrixRMaj m) {
        ensureOpen();
        return constant(arena.borrow(m, name));
    }

    /**
     * {@link #borrowedConstant(String, DMatrixRMaj)} read as {@code shape} (the matrix's entries row-major): a batch of
     * images kept as rows, given to the tape as (N, C, H, W) without the copy a reshape makes.
     *
     * @throws IllegalArgumentException when the shape's size differs from the matrix's
     */
    public Var borrowedConstant(String name, DMatrixRMaj m, int... shape) {
        ensureOpen();
        return constant(arena.borrow(m, name, shape));
    }

    /** Applies a custom operation to the given inputs and records it (if any input is tracked). */
    public Var apply(CustomOp op, Var... inputs) {
        ensureOpen();
        Shapes.nonNull("apply", "the custom op", op);
        Shapes.nonNull(op.name(), "the inputs", inputs);
        Tensor[] values = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            checkOwn(op.name(), inputs[i]);
            values[i] = inputs[i].value();
        }
        CustomOp.Result result;
        try (Arena.Scope scope = arena.valuesFrom(op.name())) {
            result = op.forward(values, arena);
        }
        if (result == null) throw new IllegalStateException("custom op '" + op.name() + "' returned no result from forward");
        return apply(new Primitive.Custom(op, List.of(inputs), result));
    }

    /** Runs a primitive's forward pass and records it when recording is on and an input is tracked. */
    Var apply(Primitive p) {
        ensureOpen();
        boolean tracked = false;
        for (Var in : p.inputs()) {
            checkOwn(p.name(), in);
            tracked |= in.isTracked();
        }
        Tensor out;
        // NOTE: a value computed on the tape lives in the tape's arena: a training loop that rewinds its tape computes
        // each step's values in the previous step's memory
        try (Arena.Scope scope = arena.valuesFrom(p.name())) {
            out = p.forward();
        }
        String site = FiniteChecks.site(checkFinite);
        if (checkFinite) FiniteChecks.output(p, out, site);
        if (!(tracked && recording)) return new Var(this, -1, step, out, null);
        Var v = new Var(this, nodes.size(), step, out, null);
        nodes.add(new Node(v.id(), v, p, site));
        return v;
    }

    /** The memory of this tape's steps, for custom ops that reuse buffers from one step to the next. */
    public Arena arena() {
        return arena;
    }

    // ------------------------------------------------------------------ modes and lifetime

    /**
     * Starts a scope in which nothing is recorded (inference): results are untracked constants.
     * Close it, best with try-with-resources, to restore the previous mode.
     */
    public NoRecord noRecord() {
        ensureOpen();
        boolean previous = recording;
        recording = false;
        int depth = ++noRecordDepth;
        boolean[] closedScope = new boolean[1];
        return () -> {
            if (closedScope[0]) return;
            if (depth != noRecordDepth) {
                throw new IllegalStateException("noRecord scopes closed out of order: " + (noRecordDepth - depth) + " scope(s)"
                        + " opened inside this one are still open; close the inner ones first (try-with-resources does)");
            }
            closedScope[0] = true;
            noRecordDepth--;
            recording = previous;
        };
    }

    /** A scope without recording; {@link #close()} restores the previous mode. */
    @FunctionalInterface
    public interface NoRecord extends AutoCloseable {
        @Override
        void close();
    }

    /** Whether operations are being recorded right now. */
    public boolean isRecording() {
        return recording && !closed;
    }

    /** Switches recording for the reverse walk, which records its rules only for differentiable requests. */
    boolean setRecording(boolean on) {
        boolean previous = recording;
        recording = on;
        return previous;
    }

    /**
     * Check mode: when on, every operation and every gradient rule checks its result, and the first one to
     * produce NaN or ±Infinity throws {@link NonFiniteValueException} naming the op, its input shapes, the
     * first bad index and the line of user code that created it. Off by default: it costs a scan per op.
     */
    public Tape checkFinite(boolean on) {
        this.checkFinite = on;
        return this;
    }

    boolean isCheckingFinite() {
        return checkFinite;
    }

    /**
     * Ends a step: clears the record and reclaims the step's {@link Arena} memory, so the next step records from the
     * start and its ops reuse that memory. Values of the ended step that live in reclaimed memory throw on any read;
     * its tracked values can no longer be used in operations or gradient requests.
     */
    public void rewind() {
        ensureOpen();
        nodes.clear();
        step++;
        arena.reclaim();
    }

    /** Frees the record and the arena; any later use of this tape, or read of a value in its arena, throws. */
    @Override
    public void close() {
        closed = true;
        nodes.clear();
        arena.reclaim("close");
    }

    /** Number of records (variables and recorded operations) of the current step. */
    public int size() {
        return nodes.size();
    }

    /** The records of the current step in execution order; a read-only view. */
    public List<Node> nodes() {
        ensureOpen();
        return Collections.unmodifiableList(nodes);
    }

    Node node(int id) {
        return nodes.get(id);
    }

    // ------------------------------------------------------------------ gradients

    /**
     * Answers a gradient request: see {@link GradientRequest} for what can be asked. Nothing is recorded unless the
     * request is differentiable.
     *
     * @throws IllegalStateException    if the output has more than one element and no seed is given
     * @throws IllegalArgumentException if a value is untracked, from another tape or an earlier step, or a seed or
     *                                  buffer does not fit
     */
    public Gradients gradients(GradientRequest request) {
        ensureOpen();
        checkOwn("gradients", request.output());
        for (Var w : request.wrt()) checkOwn("gradients", w);
        return ReverseWalk.run(this, request);
    }

    /**
     * Gradients of a scalar (one-element) output with respect to the given tracked values. An input the output does not
     * depend on gets zeros of its shape.
     */
    public Gradients gradients(Var output, Var... wrt) {
        return gradients(GradientRequest.of(output, wrt));
    }

    /** Gradients of ⟨seed, output⟩: the vector-Jacobian product for a non-scalar output. */
    public Gradients gradients(Var output, Tensor seed, Var... wrt) {
        return gradients(GradientRequest.of(output, wrt).withSeed(seed));
    }

    /**
     * Like {@link #gradients(Var, Var...)}, but the gradient computation is itself recorded, so each
     * {@link Gradients#var(Var)} can be differentiated again (Hessian-vector products, d²/dx²).
     */
    public Gradients differentiableGradients(Var output, Var... wrt) {
        return gradients(GradientRequest.of(output, wrt).differentiable());
    }

    /** {@link #differentiableGradients(Var, Var...)} with an explicit seed. */
    public Gradients differentiableGradients(Var output, Tensor seed, Var... wrt) {
        return gradients(GradientRequest.of(output, wrt).withSeed(seed).differentiable());
    }

    /** Gradients of a scalar output with respect to every tracked value on the tape, intermediates included (for graphs). */
    public Gradients gradientsOfAll(Var output) {
        return gradients(GradientRequest.of(output).ofEveryValue());
    }

    /** Turns an untracked gradient into a variable so that it can be differentiated again (giving zeros). */
    Var track(Var v) {
        if (v.isTracked()) return v;
        Var t = new Var(this, nodes.size(), step, v.value(), null);
        nodes.add(new Node(t.id(), t, null, null));
        return t;
    }

    // ------------------------------------------------------------------ checks

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("this tape is closed; record a new graph on a new Tape");
    }

    void checkOwn(String op, Var v) {
        if (v == null) throw new IllegalArgumentException(op + ": null value");
        if (v.tape() != this) {
            throw new IllegalArgumentException(op + ": " + v + " belongs to another tape; values from different tapes"
                    + " cannot be combined (use a constant of its value instead)");
        }
        if (v.isTracked() && v.step() != step) {
            throw new IllegalArgumentException(op + ": " + v + " was recorded before this tape's last rewind(); a step's"
                    + " values cannot be used in a later step (record it again, or use a constant of a copy of its value)");
        }
    }
}
