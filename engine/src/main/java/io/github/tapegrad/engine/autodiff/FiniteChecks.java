package io.github.tapegrad.engine.autodiff;

import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Supplier;

/** Check mode ({@link Tape#checkFinite(boolean)}): where a NaN or ±∞ first appears, and which line of user code made it. */
final class FiniteChecks {
    private FiniteChecks() {}

    /** Rejects a null leaf, and in check mode a leaf holding NaN or ±∞. */
    static void leaf(boolean on, String name, Tensor value) {
        if (value == null) throw new IllegalArgumentException((name == null ? "variable" : name) + ": null tensor");
        if (!on || !value.hasNonFinite()) return;
        int bad = value.firstNonFinite();
        throw new NonFiniteValueException("check mode: " + (name == null ? "a variable" : "'" + name + "'") + " of shape "
                + Shapes.format(value.shape()) + " holds " + value.getFlat(bad) + " at index "
                + Arrays.toString(Shapes.unravel(bad, value.shape())));
    }

    /** Throws when an op's output holds NaN or ±∞, naming the op, its input shapes, the index and the user's line. */
    static void output(Primitive p, Tensor out, String site) {
        int bad = out.firstNonFinite();
        if (bad < 0) return;
        StringBuilder shapes = new StringBuilder();
        for (Var in : p.inputs()) shapes.append(shapes.length() == 0 ? "" : ", ").append(Shapes.format(in.shape()));
        throw new NonFiniteValueException("check mode: " + p.name() + "(" + shapes + ")" + (site == null ? "" : " at " + site)
                + " produced " + out.getFlat(bad) + " at index " + Arrays.toString(Shapes.unravel(bad, out.shape()))
                + " of its " + Shapes.format(out.shape()) + " output");
    }

    /**
     * Runs a gradient rule. NOTE: in check mode this is where a rule's non-finite result surfaces: a rule computes with
     * tape operations (checked as they run) and returns them, or returns tensors that become constants (checked as
     * leaves); no gradient reaches the tape unchecked. The error then names the rule and where its op was created.
     */
    static Var[] rule(Tape.Node node, Supplier<Var[]> rule) {
        try {
            return rule.get();
        } catch (NonFiniteValueException e) {
            throw new NonFiniteValueException("check mode: in the gradient rule of " + node.op().name()
                    + (node.site() == null ? "" : " (created at " + node.site() + ")") + ": " + e.getMessage());
        }
    }

    /** In check mode, the first frame outside this library's own code base (jar or classes folder): the user's line. */
    static String site(boolean on) {
        if (!on) return null;
        java.security.CodeSource own = Tape.class.getProtectionDomain().getCodeSource();
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .filter(f -> !java.util.Objects.equals(f.getDeclaringClass().getProtectionDomain().getCodeSource(), own))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse(null));
    }
}
