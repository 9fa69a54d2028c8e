package io.github.tapegrad.engine.autodiff;

import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
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
 * order. A gradient request returns an immutable {@link Gradients}; asking twice gives the same answer.
 *
 * <p><b>Threads:</b> a Tape is used by one thread at a time; it does no locking. Different tapes are independent.
 */
public final class Tape implements AutoCloseable {

    /** One entry of the record: a variable ({@code op == null}) or the output of a primitive. */
    public record Node(int id, Var value, Primitive op, String site) {}

    private final List<Node> nodes = new ArrayList<>();
    private boolean recording = true;
    private boolean checkFinite;
    private boolean closed;

    // ------------------------------------------------------------------ values

    /** A tracked input value, named for messages and graphs. */
    public Var variable(String name, Tensor value) {
        ensureOpen();
        checkLeaf(name, value);
        Var v = new Var(this, nodes.size(), value, name);
        nodes.add(new Node(v.id(), v, null, site()));
        return v;
    }

    /** A tracked input value. */
    public Var variable(Tensor value) {
        return variable(null, value);
    }

    /** A constant: it takes part in operations but receives no gradient. */
    public Var constant(Tensor value) {
        ensureOpen();
        checkLeaf("constant", value);
        return new Var(this, -1, value, null);
    }

    /** Applies a custom operation to the given inputs and records it (if any input is tracked). */
    public Var apply(CustomOp op, Var... inputs) {
        Tensor[] values = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            checkOwn(op.name(), inputs[i]);
            values[i] = inputs[i].value();
        }
        CustomOp.Result result = op.forward(values);
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
        Tensor out = p.forward();
        String site = checkFinite ? site() : null;
        if (checkFinite) checkFinite(p, out, site);
        if (!(tracked && recording)) return new Var(this, -1, out, null);
        Var v = new Var(this, nodes.size(), out, null);
        nodes.add(new Node(v.id(), v, p, site));
        return v;
    }

    // ------------------------------------------------------------------ modes

    /**
     * Starts a scope in which nothing is recorded (inference): results are untracked constants.
     * Close it, best with try-with-resources, to restore the previous mode.
     */
    public NoRecord noRecord() {
        ensureOpen();
        boolean previous = recording;
        recording = false;
        return () -> recording = previous;
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

    /**
     * Check mode: when on, every operation and every gradient rule checks its result, and the first one to
     * produce NaN or ±Infinity throws {@link NonFiniteValueException} naming the op, its input shapes, the
     * first bad index and the line of user code that created it. Off by default: it costs a scan per op.
     */
    public Tape checkFinite(boolean on) {
        this.checkFinite = on;
        return this;
    }

    /** Frees the record; any later use of this tape or its values throws. */
    @Override
    public void close() {
        closed = true;
        nodes.clear();
    }

    /** Number of records (variables and recorded operations). */
    public int size() {
        return nodes.size();
    }

    /** The records in execution order; a read-only view. */
    public List<Node> nodes() {
        ensureOpen();
        return java.util.Collections.unmodifiableList(nodes);
    }

    // ------------------------------------------------------------------ gradients

    /**
     * Gradients of a scalar (one-element) output with respect to the given tracked values. Nothing is
     * recorded. An input the output does not depend on gets zeros of its shape.
     *
     * @throws IllegalStateException    if the output has more than one element (pass a seed instead)
     * @throws IllegalArgumentException if a value is untracked or from another tape
     */
    public Gradients gradients(Var output, Var... wrt) {
        return walk(output, null, wrt, false, false, null);
    }

    /**
     * {@link #gradients(Var, Var...)} written into the caller's buffers: {@code into[i]} is reshaped to the matrix shape
     * of {@code wrt[i]} (rows = product of the leading dimensions) and overwritten with its gradient, value for value
     * what {@code gradients(output, wrt).get(wrt[i])} holds. Nothing is recorded.
     *
     * <p>A custom op whose rule supports it ({@link CustomOp.Backward#vjp(Tensor, boolean[], DMatrixRMaj[])}) writes
     * the gradient of a variable straight into its buffer when it is that variable's only user, so a training loop can
     * take step after step without allocating the parameters' gradients; in every other case the gradient is copied in.
     * The buffers belong to the caller again when this returns. They must be distinct and must not share storage with
     * any value on this tape (checked for the tracked values; a constant's storage cannot be checked).
     *
     * @throws IllegalArgumentException if the lengths differ, a buffer is null, repeated or the storage of a tracked
     *                                  value, a value is listed twice, or as for {@link #gradients(Var, Var...)}
     */
    public void gradientsInto(Var output, Var[] wrt, DMatrixRMaj[] into) {
        ensureOpen();
        if (wrt.length != into.length) {
            throw new IllegalArgumentException("gradientsInto: " + wrt.length + " values but " + into.length + " buffers");
        }
        for (int i = 0; i < into.length; i++) {
            if (into[i] == null) throw new IllegalArgumentException("gradientsInto: buffer " + i + " (for " + wrt[i] + ") is null");
            for (int j = 0; j < i; j++) {
                if (into[j] == into[i]) throw new IllegalArgumentException("gradientsInto: buffers " + j + " and " + i + " are the same matrix");
                if (wrt[j] == wrt[i]) throw new IllegalArgumentException("gradientsInto: " + wrt[i] + " is listed twice");
            }
            for (Node node : nodes) {
                if (node.value().value().matrixView().data == into[i].data) {
                    throw new IllegalArgumentException("gradientsInto: buffer " + i + " is the storage of " + node.value()
                            + "; writing the gradient there would overwrite the value");
                }
            }
        }
        Gradients g = walk(output, null, wrt, false, false, into);
        for (int i = 0; i < wrt.length; i++) {
            Tensor grad = g.get(wrt[i]);
            // NOTE: an op that took the buffer returned a tensor over it: the values are already there
            if (grad.matrixView() != into[i]) grad.copyTo(into[i]);
        }
    }

    /** Gradients of ⟨seed, output⟩: the vector-Jacobian product for a non-scalar output. Nothing is recorded. */
    public Gradients gradients(Var output, Tensor seed, Var... wrt) {
        return walk(output, seed, wrt, false, false, null);
    }

    /**
     * Like {@link #gradients(Var, Var...)}, but the gradient computation is itself recorded, so each
     * {@link Gradients#var(Var)} can be differentiated again (Hessian-vector products, d²/dx²).
     */
    public Gradients differentiableGradients(Var output, Var... wrt) {
        return walk(output, null, wrt, true, false, null);
    }

    /** {@link #differentiableGradients(Var, Var...)} with an explicit seed. */
    public Gradients differentiableGradients(Var output, Tensor seed, Var... wrt) {
        return walk(output, seed, wrt, true, false, null);
    }

    /** Gradients of a scalar output with respect to every tracked value on the tape, intermediates included (for graphs). */
    public Gradients gradientsOfAll(Var output) {
        return walk(output, null, new Var[0], false, true, null);
    }

    /**
     * The reverse sweep. {@code into} (aligned with {@code wrt}, or null) offers the caller's buffers to the rules of
     * custom ops, for variables with a single user: a variable used by several ops sums their gradients, and a buffer
     * written by one of them would then be read while another writes.
     */
    private Gradients walk(Var output, Tensor seed, Var[] wrt, boolean record, boolean keepAll, DMatrixRMaj[] into) {
        ensureOpen();
        checkOwn("gradients", output);
        if (!output.isTracked()) {
            throw new IllegalArgumentException("gradients: the output " + output + " is not tracked: it depends on no"
                    + " variable of this tape (was it computed from constants, detached, or under noRecord?)");
        }
        for (Var w : wrt) {
            checkOwn("gradients", w);
            if (!w.isTracked()) {
                throw new IllegalArgumentException("gradients: cannot differentiate with respect to " + w
                        + ": it is not tracked (a constant, a detached value, or a result computed under noRecord)");
            }
        }
        Tensor seedValue = seedFor(output, seed);
        int end = output.id();
        boolean[] wanted = new boolean[end + 1];
        boolean[] reaches = new boolean[end + 1];
        if (keepAll) Arrays.fill(reaches, true);
        for (Var w : wrt) {
            if (w.id() <= end) wanted[w.id()] = reaches[w.id()] = true;
        }
        for (int i = 0; i <= end && !keepAll; i++) {
            Primitive op = nodes.get(i).op();
            if (op == null || reaches[i]) continue;
            for (Var in : op.inputs()) reaches[i] |= in.isTracked() && reaches[in.id()];
        }
        DMatrixRMaj[] buffers = into == null ? null : singleUserBuffers(end, reaches, wrt, into);
        Var[] cotangent = new Var[end + 1];
        cotangent[end] = constant(seedValue);
        boolean previous = recording;
        recording = record;
        try {
            for (int i = end; i >= 0; i--) {
                Var g = cotangent[i];
                if (g == null || !reaches[i]) continue;
                Node node = nodes.get(i);
                if (node.op() == null) continue;
                List<Var> inputs = node.op().inputs();
                boolean[] needs = new boolean[inputs.size()];
                boolean any = false;
                for (int k = 0; k < needs.length; k++) {
                    Var in = inputs.get(k);
                    needs[k] = in.isTracked() && reaches[in.id()];
                    any |= needs[k];
                }
                if (!any) continue;
                DMatrixRMaj[] offered = buffers == null ? null : offered(inputs, needs, buffers);
                Var[] grads;
                try {
                    grads = node.op().vjp(g, node.value(), needs, offered);
                } catch (NonFiniteValueException e) {
                    // NOTE: in check mode this is where a rule's non-finite result surfaces: a rule computes with tape
                    // operations (checked as they run) and returns them, or returns tensors that become constants
                    // (checked as leaves); no gradient reaches the tape unchecked
                    throw new NonFiniteValueException("check mode: in the gradient rule of " + node.op().name()
                            + (node.site() == null ? "" : " (created at " + node.site() + ")") + ": " + e.getMessage());
                }
                for (int k = 0; k < needs.length; k++) {
                    if (!needs[k] || grads[k] == null) continue;
                    Var in = inputs.get(k);
                    if (!Arrays.equals(grads[k].shape(), in.shape())) {
                        throw new IllegalStateException("gradient rule of " + node.op().name() + " returned shape "
                                + Shapes.format(grads[k].shape()) + " for input " + k + " of shape " + Shapes.format(in.shape()));
                    }
                    Var acc = cotangent[in.id()];
                    cotangent[in.id()] = acc == null ? grads[k] : acc.add(grads[k]);
                }
                if (!keepAll && !wanted[i]) cotangent[i] = null;
            }
        } finally {
            recording = previous;
        }
        return new Gradients(this, cotangent, wrt, record, keepAll);
    }

    /** By node id: the caller's buffer of each variable (a leaf) in {@code wrt} that only one recorded op reads. */
    private DMatrixRMaj[] singleUserBuffers(int end, boolean[] reaches, Var[] wrt, DMatrixRMaj[] into) {
        int[] users = new int[end + 1];
        for (int i = 0; i <= end; i++) {
            Primitive op = nodes.get(i).op();
            if (op == null || !reaches[i]) continue;
            for (Var in : op.inputs()) if (in.isTracked()) users[in.id()]++;
        }
        DMatrixRMaj[] byId = new DMatrixRMaj[end + 1];
        for (int k = 0; k < wrt.length; k++) {
            int id = wrt[k].id();
            if (id <= end && nodes.get(id).op() == null && users[id] == 1) byId[id] = into[k];
        }
        return byId;
    }

    /** The buffers offered to one op's rule, by input position; null when there are none. */
    private static DMatrixRMaj[] offered(List<Var> inputs, boolean[] needs, DMatrixRMaj[] byId) {
        DMatrixRMaj[] offered = null;
        for (int k = 0; k < inputs.size(); k++) {
            Var in = inputs.get(k);
            if (!needs[k] || byId[in.id()] == null) continue;
            if (offered == null) offered = new DMatrixRMaj[inputs.size()];
            offered[k] = byId[in.id()];
        }
        return offered;
    }

    private Tensor seedFor(Var output, Tensor seed) {
        if (seed == null) {
            if (output.value().size() != 1) {
                throw new IllegalStateException("grad can be implicitly created only for scalar outputs; output shape is "
                        + Shapes.format(output.shape()) + " - pass a seed gradient of that shape");
            }
            return Tensor.ones(output.shape());
        }
        if (!Arrays.equals(seed.shape(), output.shape())) {
            throw new IllegalArgumentException("gradients: seed shape " + Shapes.format(seed.shape())
                    + " does not match output shape " + Shapes.format(output.shape()));
        }
        return seed;
    }

    /** Turns an untracked gradient into a variable so that it can be differentiated again (giving zeros). */
    Var track(Var v) {
        if (v.isTracked()) return v;
        Var t = new Var(this, nodes.size(), v.value(), null);
        nodes.add(new Node(t.id(), t, null, null));
        return t;
    }

    // ------------------------------------------------------------------ checks

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("this tape is closed; record a new graph on a new Tape");
    }

    private void checkOwn(String op, Var v) {
        if (v == null) throw new IllegalArgumentException(op + ": null value");
        if (v.tape() != this) {
            throw new IllegalArgumentException(op + ": " + v + " belongs to another tape; values from different tapes"
                    + " cannot be combined (use a constant of its value instead)");
        }
    }

    private void checkLeaf(String name, Tensor value) {
        if (value == null) throw new IllegalArgumentException((name == null ? "variable" : name) + ": null tensor");
        if (checkFinite && value.hasNonFinite()) {
            int bad = value.firstNonFinite();
            throw new NonFiniteValueException("check mode: " + (name == null ? "a variable" : "'" + name + "'") + " of shape "
                    + Shapes.format(value.shape()) + " holds " + value.getFlat(bad) + " at index "
                    + Arrays.toString(Shapes.unravel(bad, value.shape())));
        }
    }

    private static void checkFinite(Primitive p, Tensor out, String site) {
        int bad = out.firstNonFinite();
        if (bad < 0) return;
        StringBuilder shapes = new StringBuilder();
        for (Var in : p.inputs()) shapes.append(shapes.length() == 0 ? "" : ", ").append(Shapes.format(in.shape()));
        throw new NonFiniteValueException("check mode: " + p.name() + "(" + shapes + ")" + (site == null ? "" : " at " + site)
                + " produced " + out.getFlat(bad) + " at index " + Arrays.toString(Shapes.unravel(bad, out.shape()))
                + " of its " + Shapes.format(out.shape()) + " output");
    }

    private String site() {
        if (!checkFinite) return null;
        // NOTE: the first frame outside this library's own code base (jar or classes folder) is the user's line.
        java.security.CodeSource own = Tape.class.getProtectionDomain().getCodeSource();
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .filter(f -> !java.util.Objects.equals(f.getDeclaringClass().getProtectionDomain().getCodeSource(), own))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse(null));
    }
}
