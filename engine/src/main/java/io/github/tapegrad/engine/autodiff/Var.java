package io.github.tapegrad.engine.autodiff;

import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Tensor;
import java.util.Arrays;

/**
 * A value on a {@link Tape}. A <em>tracked</em> Var is a variable or the result of a recorded operation; an
 * untracked Var is a constant, a detached value, or a result computed while recording was off.
 *
 * <p>Operations on Vars compute eagerly and record themselves on the tape. Binary operations broadcast
 * with NumPy's rules by recording an explicit {@link Primitive.BroadcastTo} first. Vars are immutable.
 */
public final class Var {
    private final Tape tape;
    private final int id;
    private final int step;
    private final Tensor value;
    private final String name;

    Var(Tape tape, int id, int step, Tensor value, String name) {
        this.tape = tape;
        this.id = id;
        this.step = step;
        this.value = value;
        this.name = name;
    }

    /** The tape this value belongs to. */
    public Tape tape() {
        return tape;
    }

    /** The value. */
    public Tensor value() {
        return value;
    }

    /** The dimensions of the value; a copy. */
    public int[] shape() {
        return value.shape();
    }

    /** The name given at creation, or null. */
    public String name() {
        return name;
    }

    /** Whether gradients can flow to this value (a variable or a recorded result). */
    public boolean isTracked() {
        return id >= 0;
    }

    /** Position on the tape; -1 when untracked. */
    int id() {
        return id;
    }

    /** The tape's step (number of rewinds) when this value was made. */
    int step() {
        return step;
    }

    /** The same value as a constant: gradients do not flow through the result (stop-gradient). */
    public Var detach() {
        return tape.constant(value);
    }

    // ------------------------------------------------------------------ binary, broadcasting

    private Var[] broadcastPair(String op, Var other) {
        Shapes.nonNull(op, "the other operand", other);
        int[] s = Shapes.broadcast(op, shape(), other.shape());
        return new Var[] {broadcastTo(s), other.broadcastTo(s)};
    }

    /** {@code this + other}, broadcasting. */
    public Var add(Var other) {
        Var[] p = broadcastPair("add", other);
        return tape.apply(new Primitive.Add(p[0], p[1]));
    }

    /** {@code this − other}, broadcasting. */
    public Var sub(Var other) {
        Var[] p = broadcastPair("sub", other);
        return tape.apply(new Primitive.Sub(p[0], p[1]));
    }

    /** {@code this ∘ other}, broadcasting. */
    public Var mul(Var other) {
        Var[] p = broadcastPair("mul", other);
        return tape.apply(new Primitive.Mul(p[0], p[1]));
    }

    /** {@code this / other}, broadcasting. */
    public Var div(Var other) {
        Var[] p = broadcastPair("div", other);
        return tape.apply(new Primitive.Div(p[0], p[1]));
    }

    /** {@code this + c}. */
    public Var add(double c) {
        return add(tape.constant(Tensor.scalar(c)));
    }

    /** {@code c·this}. */
    public Var mul(double c) {
        return mul(tape.constant(Tensor.scalar(c)));
    }

    // ------------------------------------------------------------------ unary

    /** {@code −this}. */
    public Var neg() {
        return tape.apply(new Primitive.Neg(this));
    }

    /** {@code e^this}. */
    public Var exp() {
        return tape.apply(new Primitive.Exp(this));
    }

    /** Natural logarithm. */
    public Var log() {
        return tape.apply(new Primitive.Log(this));
    }

    /** {@code this^p} for a constant p. */
    public Var pow(double p) {
        return tape.apply(new Primitive.Pow(this, p));
    }

    /** Square root. */
    public Var sqrt() {
        return tape.apply(new Primitive.Sqrt(this));
    }

    /** Hyperbolic tangent. */
    public Var tanh() {
        return tape.apply(new Primitive.Tanh(this));
    }

    // ------------------------------------------------------------------ matrices and shapes

    /** Matrix product of two rank-2 values. */
    public Var matmul(Var other) {
        return matmul(other, false, false);
    }

    /** {@code op(this)·op(other)} where op transposes when flagged; no transpose is materialised. */
    public Var matmul(Var other, boolean transThis, boolean transOther) {
        Shapes.nonNull("matmul", "the other operand", other);
        return tape.apply(new Primitive.MatMul(this, other, transThis, transOther));
    }

    /** The sliding windows of an (N, C, H, W) value as the rows of a matrix (im2col; see {@code Windows}). */
    public Var unfold(int fh, int fw, int stride, int pad) {
        return unfold(fh, fw, stride, pad, 0.0);
    }

    /** {@link #unfold(int, int, int, int)} with padding positions read as {@code padValue} (max pooling pads with −∞). */
    public Var unfold(int fh, int fw, int stride, int pad, double padValue) {
        io.github.tapegrad.engine.tensor.Windows.of("unfold", value.shape(), fh, fw, stride, pad);
        return tape.apply(new Primitive.Unfold(this, fh, fw, stride, pad, padValue));
    }

    /** The adjoint of {@link #unfold}: this matrix's entries added back into an input of {@code inputShape} (col2im). */
    public Var fold(int[] inputShape, int fh, int fw, int stride, int pad) {
        Shapes.nonNull("fold", "the input shape", inputShape);
        return tape.apply(new Primitive.Fold(this, inputShape.clone(), fh, fw, stride, pad));
    }

    /** Transpose of a rank-2 value. */
    public Var transpose() {
        return tape.apply(new Primitive.Transpose(this));
    }

    /** Same values, new shape (one dimension may be -1). */
    public Var reshape(int... newShape) {
        Shapes.nonNull("reshape", "the shape", newShape);
        if (Arrays.equals(newShape, value.shape())) return this;
        return tape.apply(new Primitive.Reshape(this, newShape.clone()));
    }

    /** Repeats the value along its size-1 dimensions to reach {@code target}. */
    public Var broadcastTo(int... target) {
        Shapes.nonNull("broadcastTo", "the shape", target);
        if (Arrays.equals(target, value.shape())) return this;
        return tape.apply(new Primitive.BroadcastTo(this, target.clone()));
    }

    /** Sums this value down to {@code target}, the inverse of broadcasting (composed from sum and reshape). */
    public Var sumTo(int... target) {
        Shapes.nonNull("sumTo", "the shape", target);
        int[] s = value.shape();
        if (Arrays.equals(s, target)) return this;
        Shapes.checkBroadcastable("sumTo", target, s);
        Var v = this;
        for (int i = 0; i < s.length - target.length; i++) v = v.sum(0, false);
        for (int i = 0; i < target.length; i++) {
            if (target[i] == 1 && v.value.dim(i) != 1) v = v.sum(i, true);
        }
        return v;
    }

    // ------------------------------------------------------------------ reductions

    /** Sum of all elements (a scalar). */
    public Var sum() {
        return tape.apply(new Primitive.Sum(this, null, false));
    }

    /** Sum along one axis. */
    public Var sum(int axis, boolean keepDims) {
        return tape.apply(new Primitive.Sum(this, Shapes.axis("sum", axis, value.rank()), keepDims));
    }

    /** Maximum of all elements (a scalar). */
    public Var max() {
        return tape.apply(new Primitive.Max(this, null, false));
    }

    /** Maximum along one axis. */
    public Var max(int axis, boolean keepDims) {
        return tape.apply(new Primitive.Max(this, Shapes.axis("max", axis, value.rank()), keepDims));
    }

    /** Mean of all elements (composed: sum · 1/n). */
    public Var mean() {
        return sum().mul(1.0 / value.size());
    }

    /** Mean along one axis (composed: sum · 1/n). */
    public Var mean(int axis, boolean keepDims) {
        return sum(axis, keepDims).mul(1.0 / value.dim(axis));
    }

    /** {@code mask ≠ 0 ? a : b} elementwise, for a constant mask; a, b and the mask broadcast together. */
    public static Var where(Tensor mask, Var a, Var b) {
        Shapes.nonNull("where", "the mask", mask);
        Shapes.nonNull("where", "a", a);
        Shapes.nonNull("where", "b", b);
        int[] s = Shapes.broadcast("where", Shapes.broadcast("where", mask.shape(), a.shape()), b.shape());
        return a.tape.apply(new Primitive.Select(mask.broadcastTo(s), a.broadcastTo(s), b.broadcastTo(s)));
    }

    @Override
    public String toString() {
        return (name != null ? name : (id >= 0 ? "v" + id : "const")) + Shapes.format(value.shape());
    }
}
