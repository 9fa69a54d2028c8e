package io.github.tapegrad.engine.autodiff;

import io.github.tapegrad.engine.tensor.Tensor;
import java.util.List;

/**
 * The primitive operations the tape records, each with its forward formula and its vector-Jacobian product
 * (VJP) side by side. Everything else in tapegrad is composed from these and has no derivative code.
 *
 * <p>Binary primitives see inputs of equal shape: broadcasting is recorded beforehand as an explicit
 * {@link BroadcastTo}, whose VJP is the one place that sums a gradient back to a smaller shape.
 *
 * <p>VJPs are written with the same {@link Var} operations that user code uses. A plain gradient request runs
 * them with recording switched off; a request for differentiable gradients records them, which is what makes
 * gradients of gradients work. {@code g} is the cotangent of the output, {@code out} the output itself, and
 * {@code needs[i]} says whether input {@code i} wants a gradient (a VJP may return {@code null} where it does not).
 * A rule only computes its gradients; where they land is the walk's business ({@code ReverseWalk}).
 */
public sealed interface Primitive {

    /** A short lower-case name for messages and graphs. */
    String name();

    /** The inputs, in order. */
    List<Var> inputs();

    /** Computes the output value from the input values. */
    Tensor forward();

    /** One gradient per input, each of that input's shape ({@code null} where {@code needs} is false). */
    Var[] vjp(Var g, Var out, boolean[] needs);

    /** out = a + b;  ∂a = g,  ∂b = g */
    record Add(Var a, Var b) implements Primitive {
        public String name() { return "add"; }
        public List<Var> inputs() { return List.of(a, b); }
        public Tensor forward() { return a.value().add(b.value()); }
        public Var[] vjp(Var g, Var out, boolean[] needs) { return new Var[] {g, g}; }
    }

    /** out = a − b;  ∂a = g,  ∂b = −g */
    record Sub(Var a, Var b) implements Primitive {
        public String name() { return "sub"; }
        public List<Var> inputs() { return List.of(a, b); }
        public Tensor forward() { return a.value().sub(b.value()); }
        public Var[] vjp(Var g, Var out, boolean[] needs) { return new Var[] {g, needs[1] ? g.neg() : null}; }
    }

    /** out = a ∘ b;  ∂a = g ∘ b,  ∂b = g ∘ a */
    record Mul(Var a, Var b) implements Primitive {
        public String name() { return "mul"; }
        public List<Var> inputs() { return List.of(a, b); }
        public Tensor forward() { return a.value().mul(b.value()); }
        public Var[] vjp(Var g, Var out, boolean[] needs) {
            return new Var[] {needs[0] ? g.mul(b) : null, needs[1] ? g.mul(a) : null};
        }
    }

    /** out = a / b;  ∂a = g / b,  ∂b = −g ∘ out / b  (= −g·a/b²) */
    record Div(Var a, Var b) implements Primitive {
        public String name() { return "div"; }
        public List<Var> inputs() { return List.of(a, b); }
        public Tensor forward() { return a.value().div(b.value()); }
        public Var[] vjp(Var g, Var out, boolean[] needs) {
            return new Var[] {needs[0] ? g.div(b) : null, needs[1] ? g.mul(out).div(b).neg() : null};
        }
    }

    /** out = −x;  ∂x = −g */
    record Neg(Var x) implements Primitive {
        public String name() { return "neg"; }
        public List<Var> inputs() { return List.of(x); }
        public Tensor forward() { return x.value().neg(); }
        public Var[] vjp(Var g, Var out, boolean[] needs) { return new Var[] {g.neg()}; }
    }

    /** out = eˣ;  ∂x = g ∘ out */
    record Exp(Var x) implements Primitive {
        public String name() { return "exp"; }
        public List<Var> inputs() { return List.of(x); }
        public Tensor forward() { return x.value().exp(); }
        public Var[] vjp(Var g, Var out, boolean[] needs) { return new Var[] {g.mul(out)}; }
    }

    /** out = ln x;  ∂x = g / x */
    record Log(Var x) implements Primitive {
        public String name() { return "log"; }
        public List<Var> inputs() { return List.of(x); }
        public Tensor forward() { return x.value().log(); }
        public Var[] vjp(Var g, Var out, boolean[] needs) { return new Var[] {g.div(x)}; }
    }

    /** out = xᵖ for a constant p;  ∂x = g ∘ p·xᵖ⁻¹ */
    record Pow(Var x, double p) implements Primitive {
        public String name() { return "pow"; }
        public List<Var> inputs() { return List.of(x); }
        public Tensor forward() { return x.value().pow(p); }
        public Var[] vjp(Var g, Var out, boolean[] needs) {
            // NOTE: p = 0 and p = 1 are special-cased so that x = 0 gives 0 and g, not 0·∞ = NaN.
            if (p == 0) return new Var[] {g.mul(0.0)};
            if (p == 1) return new Var[] {g};
            return new Var[] {g.mul(x.pow(p - 1).mul(p))};
        }
    }

    /** out = √x;  ∂x = g / (2·out) */
    record Sqrt(Var x) implements Primitive {
        public String name() { return "sqrt"; }
        public List<Var> inputs() { return List.of(x); }
        public Tensor forward() { return x.value().sqrt(); }
        public Var[] vjp(Var g, Var out, boolean[] needs) { return new Var[] {g.div(out.mul(2.0))}; }
    }

    /** out = tanh x;  ∂x = g ∘ (1 − out²) */
    record Tanh(Var x) implements Primitive {
        public String name() { return "tanh"; }
        public List<Var> inputs() { return List.of(x); }
        public Tensor forward() { return x.value().tanh(); }
        public Var[] vjp(Var g, Var out, boolean[] needs) { return new Var[] {g.mul(out.mul(out).neg().add(1.0))}; }
    }

    /**
     * out = op(a)·op(b), op = identity or transpose as flagged (rank 2). For the plain product:
     * ∂a = g·bᵀ, ∂b = aᵀ·g; the other three cases follow by transposing, and no transpose is ever built.
     */
    record MatMul(Var a, Var b, boolean transA, boolean transB) implements Primitive {
        public String name() { return "matmul"; }
        public List<Var> inputs() { return List.of(a, b); }
        public Tensor forward() { return a.value().matmul(b.value(), transA, transB); }
        public Var[] vjp(Var g, Var out, boolean[] needs) {
            Var da = null;
            Var db = null;
            if (!transA && !transB) {
                if (needs[0]) da = g.matmul(b, false, true);      // g·bᵀ
                if (needs[1]) db = a.matmul(g, true, false);      // aᵀ·g
            } else if (transA && !transB) {
                if (needs[0]) da = b.matmul(g, false, true);      // (g·bᵀ)ᵀ = b·gᵀ
                if (needs[1]) db = a.matmul(g, false, false);     // a·g
            } else if (!transA) {
                if (needs[0]) da = g.matmul(b, false, false);     // g·b
                if (needs[1]) db = g.matmul(a, true, false);      // (aᵀ·g)ᵀ = gᵀ·a
            } else {
                if (needs[0]) da = b.matmul(g, true, true);       // (g·b)ᵀ = bᵀ·gᵀ
                if (needs[1]) db = g.matmul(a, true, true);       // (a·g)ᵀ = gᵀ·aᵀ
            }
            return new Var[] {da, db};
        }
    }

    /**
     * out = unfold(x): the sliding windows of an (N, C, H, W) x as the rows of a matrix (im2col), padding read as
     * {@code padValue}; ∂x = fold(g), its adjoint (each entry added back where it came from; padding gets nothing)
     */
    record Unfold(Var x, int fh, int fw, int stride, int pad, double padValue) implements Primitive {
        public String name() { return "unfold"; }
        public List<Var> inputs() { return List.of(x); }
        public Tensor forward() { return x.value().unfold(fh, fw, stride, pad, padValue); }
        public Var[] vjp(Var g, Var out, boolean[] needs) { return new Var[] {g.fold(x.shape(), fh, fw, stride, pad)}; }
    }

    /** out = fold(col) into an input of {@code shape} (col2im, a scatter-add);  ∂col = unfold(g), its adjoint */
    record Fold(Var col, int[] shape, int fh, int fw, int stride, int pad) implements Primitive {
        public String name() { return "fold"; }
        public List<Var> inputs() { return List.of(col); }
        public Tensor forward() { return col.value().fold(shape, fh, fw, stride, pad); }
        public Var[] vjp(Var g, Var out, boolean[] needs) { return new Var[] {g.unfold(fh, fw, stride, pad)}; }
    }

    /** out = xᵀ (rank 2);  ∂x = gᵀ */
    record Transpose(Var x) implements Primitive {
        public String name() { return "transpose"; }
        public List<Var> inputs() { return List.of(x); }
        public Tensor forward() { return x.value().transpose(); }
        public Var[] vjp(Var g, Var out, boolean[] needs) { return new Var[] {g.transpose()}; }
    }

    /** out = x with a new shape;  ∂x = g reshaped to x's shape */
    record Reshape(Var x, int[] shape) implements Primitive {
        public String name() { return "reshape"; }
        public List<Var> inputs() { return List.of(x); }
        public Tensor forward() { return x.value().reshape(shape); }
        public Var[] vjp(Var g, Var out, boolean[] needs) { return new Var[] {g.reshape(x.shape())}; }
    }

    /** out = x repeated along its size-1 dimensions;  ∂x = g summed back to x's shape (sum in reverse) */
    record BroadcastTo(Var x, int[] shape) implements Primitive {
        public String name() { return "broadcastTo"; }
        public List<Var> inputs() { return List.of(x); }
        public Tensor forward() { return x.value().broadcastTo(shape); }
        public Var[] vjp(Var g, Var out, boolean[] needs) { return new Var[] {g.sumTo(x.shape())}; }
    }

    /**
     * out = Σ x over all elements ({@code axis == null}) or one axis;
     * ∂x = g (with the reduced axis restored as size 1) broadcast to x's shape
     */
    record Sum(Var x, Integer axis, boolean keepDims) implements Primitive {
        public String name() { return "sum"; }
        public List<Var> inputs() { return List.of(x); }
        public Tensor forward() { return axis == null ? x.value().sum() : x.value().sum(axis, keepDims); }
        public Var[] vjp(Var g, Var out, boolean[] needs) {
            return new Var[] {g.reshape(keptShape(x.shape(), axis)).broadcastTo(x.shape())};
        }
    }

    /**
     * out = max x over all elements ({@code axis == null}) or one axis;
     * ∂x = g routed to the first maximal element of each slice, 0 elsewhere (a subgradient at ties)
     */
    record Max(Var x, Integer axis, boolean keepDims) implements Primitive {
        public String name() { return "max"; }
        public List<Var> inputs() { return List.of(x); }
        public Tensor forward() { return axis == null ? x.value().max() : x.value().max(axis, keepDims); }
        public Var[] vjp(Var g, Var out, boolean[] needs) {
            Tensor mask = axis == null
                    ? x.value().reshape(1, -1).argmaxMask(1).reshape(x.shape())
                    : x.value().argmaxMask(axis);
            Var spread = g.reshape(keptShape(x.shape(), axis)).broadcastTo(x.shape());
            return new Var[] {Var.where(mask, spread, g.tape().constant(Tensor.zeros(x.shape())))};
        }
    }

    /** out = mask ≠ 0 ? a : b, for a constant mask;  ∂a = mask ≠ 0 ? g : 0,  ∂b = mask ≠ 0 ? 0 : g */
    record Select(Tensor mask, Var a, Var b) implements Primitive {
        public String name() { return "select"; }
        public List<Var> inputs() { return List.of(a, b); }
        public Tensor forward() { return Tensor.where(mask, a.value(), b.value()); }
        public Var[] vjp(Var g, Var out, boolean[] needs) {
            Var zero = g.tape().constant(Tensor.zeros(g.shape()));
            return new Var[] {needs[0] ? Var.where(mask, g, zero) : null, needs[1] ? Var.where(mask, zero, g) : null};
        }
    }

    /** A user-defined operation: forward and VJP come from a {@link CustomOp}; each use keeps its own saved values. */
    record Custom(CustomOp op, List<Var> inputs, CustomOp.Result applied) implements Primitive {
        public String name() { return op.name(); }
        public Tensor forward() { return applied.output(); }
        public Var[] vjp(Var g, Var out, boolean[] needs) {
            Tape tape = g.tape();
            if (tape.isRecording()) {
                Var[] recorded = applied.backward().recordedVjp(g, inputs.toArray(new Var[0]), out, needs);
                if (recorded == null) {
                    throw new IllegalStateException("custom op '" + op.name() + "' has no recordable gradient rule,"
                            + " so differentiable (higher-order) gradients cannot pass through it;"
                            + " implement CustomOp.Backward.recordedVjp or use the op's composite form");
                }
                return recorded;
            }
            Tensor[] grads = applied.backward().vjp(g.value(), needs);
            if (grads == null) throw new IllegalStateException("custom op '" + op.name() + "' returned null from its gradient rule");
            if (grads.length != inputs.size()) {
                throw new IllegalStateException("custom op '" + op.name() + "' returned " + grads.length
                        + " gradients for " + inputs.size() + " inputs");
            }
            Var[] out2 = new Var[grads.length];
            for (int i = 0; i < grads.length; i++) out2[i] = grads[i] == null ? null : tape.constant(grads[i]);
            return out2;
        }
    }

    /** The shape with {@code axis} (already normalised by {@code Shapes.axis}), or every axis when null, set to 1. */
    private static int[] keptShape(int[] shape, Integer axis) {
        if (axis == null) {
            int[] ones = new int[shape.length];
            java.util.Arrays.fill(ones, 1);
            return ones;
        }
        int[] s = shape.clone();
        s[axis] = 1;
        return s;
    }
}
