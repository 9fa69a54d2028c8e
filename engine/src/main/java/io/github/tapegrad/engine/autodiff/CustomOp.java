package io.github.tapegrad.engine.autodiff;

import io.github.tapegrad.engine.tensor.Arena;
import io.github.tapegrad.engine.tensor.Tensor;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A user-defined operation with its own forward pass and its own vector-Jacobian product.
 *
 * <p>Each call of {@link #forward} returns a fresh {@link Result} whose {@link Backward} closes over the values
 * that call saved, so an op applied twice on one tape keeps both sets of saved values. Apply it with
 * {@link Tape#apply(CustomOp, Var...)}.
 *
 * <pre>{@code
 * CustomOp square = CustomOp.of("square", in -> {
 *     Tensor x = in[0];
 *     return new CustomOp.Result(x.mul(x), (g, needs) -> new Tensor[] {g.mul(x).mul(2.0)});
 * });
 * Var y = tape.apply(square, x);
 * }</pre>
 *
 * <p>An op that should allocate nothing from step to step takes its output's and its gradients' storage from the
 * tape's {@link Arena} ({@link #withArena}); the values it returns then live until the tape is rewound.
 */
public interface CustomOp {

    /** A short name for messages and graphs. */
    String name();

    /**
     * Computes the output and returns the backward rule for this application. Inputs are not modified.
     *
     * @param arena the tape's step memory: storage from here is reused by the next step after a rewind, and the
     *              backward rule may take its gradients' storage from it too
     */
    Result forward(Tensor[] inputs, Arena arena);

    /** The output of one application and its backward rule. */
    record Result(Tensor output, Backward backward) {
        public Result {
            if (output == null || backward == null) throw new IllegalArgumentException("output and backward are required");
        }
    }

    /** The gradient rule of one application. */
    @FunctionalInterface
    interface Backward {
        /**
         * Gradients of the inputs given the output cotangent {@code g}: one per input, each of its input's shape;
         * an entry may be null where {@code needs} is false.
         */
        Tensor[] vjp(Tensor g, boolean[] needs);

        /**
         * The same rule written with {@link Var} operations, so that it can be recorded for higher-order gradients.
         * The default returns {@code null}: the op then supports plain gradients only, and a request for
         * differentiable gradients through it fails with a clear error.
         */
        default Var[] recordedVjp(Var g, Var[] inputs, Var out, boolean[] needs) {
            return null;
        }
    }

    /** A custom op from a name and a forward function that allocates its own storage. */
    static CustomOp of(String name, Function<Tensor[], Result> forward) {
        return withArena(name, (in, arena) -> forward.apply(in));
    }

    /** A custom op from a name and a forward function that may take storage from the tape's {@link Arena}. */
    static CustomOp withArena(String name, BiFunction<Tensor[], Arena, Result> forward) {
        if (name == null || forward == null) throw new IllegalArgumentException("a custom op needs a name and a forward function");
        return new CustomOp() {
            @Override public String name() { return name; }
            @Override public Result forward(Tensor[] inputs, Arena arena) { return forward.apply(inputs, arena); }
            @Override public String toString() { return "CustomOp[" + name + "]"; }
        };
    }
}
