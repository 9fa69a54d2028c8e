package io.github.tapegrad.engine.autodiff;

import io.github.tapegrad.engine.tensor.Tensor;
import org.ejml.data.DMatrixRMaj;

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
 */
public interface CustomOp {

    /** A short name for messages and graphs. */
    String name();

    /** Computes the output and returns the backward rule for this application. Inputs are not modified. */
    Result forward(Tensor[] inputs);

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
         * {@link #vjp(Tensor, boolean[])} for a request that has buffers for some inputs' gradients
         * ({@link Tape#gradientsInto}): where {@code into[k]} is not null, the rule may write input k's gradient into
         * it (reshaping it to the input's matrix shape) and return {@code Tensor.wrap(into[k])}, so that the gradient
         * is not allocated. Such a buffer belongs to the caller: the rule must not keep it or its tensor once it
         * returns. The default ignores the buffers; the tape then copies the gradient in.
         */
        default Tensor[] vjp(Tensor g, boolean[] needs, DMatrixRMaj[] into) {
            return vjp(g, needs);
        }

        /**
         * The same rule written with {@link Var} operations, so that it can be recorded for higher-order gradients.
         * The default returns {@code null}: the op then supports plain gradients only, and a request for
         * differentiable gradients through it fails with a clear error.
         */
        default Var[] recordedVjp(Var g, Var[] inputs, Var out, boolean[] needs) {
            return null;
        }
    }

    /** A custom op from a name and a forward function. */
    static CustomOp of(String name, java.util.function.Function<Tensor[], Result> forward) {
        return new CustomOp() {
            @Override public String name() { return name; }
            @Override public Result forward(Tensor[] inputs) { return forward.apply(inputs); }
            @Override public String toString() { return "CustomOp[" + name + "]"; }
        };
    }
}
