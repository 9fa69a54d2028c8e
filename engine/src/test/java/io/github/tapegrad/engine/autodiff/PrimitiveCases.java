package io.github.tapegrad.engine.autodiff;

import static io.github.tapegrad.engine.testing.TensorGens.awayFromZero;
import static io.github.tapegrad.engine.testing.TensorGens.broadcastPairs;
import static io.github.tapegrad.engine.testing.TensorGens.dims;
import static io.github.tapegrad.engine.testing.TensorGens.distinct;
import static io.github.tapegrad.engine.testing.TensorGens.shapes;
import static io.github.tapegrad.engine.testing.TensorGens.uniform;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.quicktheories.core.Gen;

/**
 * One generated gradient property per primitive: the table {@link PrimitiveCoverageTest} holds against
 * {@code Primitive}'s permitted subclasses. Shapes are rank 0–3 with dimensions up to 4 (rank 2 for the
 * matrix ops), which covers scalars, 1×n, n×1 and broadcasting pairs while keeping each numerical
 * gradient cheap.
 */
final class PrimitiveCases {
    private PrimitiveCases() {}

    /** One generated example: a function of the inputs and the point to check it at. */
    record Example(String label, Function<Var[], Var> f, Tensor... inputs) {
        /** Records the inputs as variables of {@code tape} and applies f to them. */
        Var applyOn(Tape tape) {
            return f.apply(Arrays.stream(inputs).map(tape::variable).toArray(Var[]::new));
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(label).append(" at shapes");
            for (Tensor t : inputs) sb.append(' ').append(Shapes.format(t.shape()));
            return sb.toString();
        }
    }

    /** A primitive and the generator of its examples. */
    record Case(Class<? extends Primitive> op, Gen<Example> examples) {}

    private static final int MAX_RANK = 3;
    private static final int MAX_DIM = 4;

    private static Gen<Example> binary(String name, Function<Var[], Var> f, double lo, double hi, boolean awayFromZeroB) {
        return broadcastPairs(MAX_RANK, MAX_DIM).zip(longs().all(), (shapes, seed) -> new Example(name, f,
                uniform(seed, lo, hi, shapes[0]),
                awayFromZeroB ? awayFromZero(seed + 1, 0.5, 2.0, shapes[1]) : uniform(seed + 1, lo, hi, shapes[1])));
    }

    private static Gen<Example> unary(String name, Function<Var, Var> f, double lo, double hi) {
        return shapes(MAX_RANK, MAX_DIM).zip(longs().all(), (shape, seed) ->
                new Example(name, v -> f.apply(v[0]), uniform(seed, lo, hi, shape)));
    }

    private static final double[] EXPONENTS = {2, 3, -1, -2, 0.5, 1.5, -0.5, 1, 0};

    static List<Case> all() {
        return List.of(
                new Case(Primitive.Add.class, binary("add", v -> v[0].add(v[1]), -2, 2, false)),
                new Case(Primitive.Sub.class, binary("sub", v -> v[0].sub(v[1]), -2, 2, false)),
                new Case(Primitive.Mul.class, binary("mul", v -> v[0].mul(v[1]), -2, 2, false)),
                // b is kept at |b| >= 0.5: away from the singularity of a/b
                new Case(Primitive.Div.class, binary("div", v -> v[0].div(v[1]), -2, 2, true)),
                new Case(Primitive.Neg.class, unary("neg", Var::neg, -2, 2)),
                new Case(Primitive.Exp.class, unary("exp", Var::exp, -2, 2)),
                // log and sqrt on [0.5, 3]: away from the singularity at 0
                new Case(Primitive.Log.class, unary("log", Var::log, 0.5, 3)),
                new Case(Primitive.Sqrt.class, unary("sqrt", Var::sqrt, 0.5, 3)),
                new Case(Primitive.Tanh.class, unary("tanh", Var::tanh, -2, 2)),
                new Case(Primitive.Pow.class, shapes(MAX_RANK, MAX_DIM).zip(integers().between(0, EXPONENTS.length - 1),
                        longs().all(), (shape, k, seed) -> {
                            double p = EXPONENTS[k];
                            // positive base so that fractional exponents are defined
                            return new Example("pow(x, " + p + ")", v -> v[0].pow(p), uniform(seed, 0.5, 2, shape));
                        })),
                new Case(Primitive.MatMul.class, dims(MAX_DIM).zip(dims(MAX_DIM), dims(MAX_DIM), longs().all(),
                        (n, k, m, seed) -> {
                            boolean ta = (seed & 1) != 0;
                            boolean tb = (seed & 2) != 0;
                            int[] sa = ta ? new int[] {k, n} : new int[] {n, k};
                            int[] sb = tb ? new int[] {m, k} : new int[] {k, m};
                            return new Example("matmul(transA=" + ta + ", transB=" + tb + ")",
                                    v -> v[0].matmul(v[1], ta, tb), uniform(seed, -2, 2, sa), uniform(seed + 1, -2, 2, sb));
                        })),
                new Case(Primitive.Transpose.class, dims(MAX_DIM).zip(dims(MAX_DIM), longs().all(), (r, c, seed) ->
                        new Example("transpose", v -> v[0].transpose(), uniform(seed, -2, 2, r, c)))),
                new Case(Primitive.Reshape.class, shapes(MAX_RANK, MAX_DIM).zip(booleans().all(), longs().all(),
                        (shape, flat, seed) -> {
                            int[] target = flat ? new int[] {-1} : reversed(shape);
                            return new Example("reshape to " + Arrays.toString(target), v -> v[0].reshape(target),
                                    uniform(seed, -2, 2, shape));
                        })),
                new Case(Primitive.BroadcastTo.class, broadcastPairs(MAX_RANK, MAX_DIM).zip(longs().all(), (pair, seed) -> {
                    int[] small = pair[0];
                    int[] big = Shapes.broadcast("test", pair[0], pair[1]);
                    return new Example("broadcastTo " + Shapes.format(big), v -> v[0].broadcastTo(big), uniform(seed, -2, 2, small));
                })),
                new Case(Primitive.Sum.class, reduction("sum", false)),
                new Case(Primitive.Max.class, reduction("max", true)),
                new Case(Primitive.Select.class, broadcastPairs(MAX_RANK, MAX_DIM).zip(longs().all(), (pair, seed) -> {
                    int[] s = Shapes.broadcast("test", pair[0], pair[1]);
                    Tensor mask = uniform(seed + 2, 0, 1, s).greaterThan(0.5);
                    return new Example("select", v -> Var.where(mask, v[0], v[1]),
                            uniform(seed, -2, 2, pair[0]), uniform(seed + 1, -2, 2, pair[1]));
                })),
                new Case(Primitive.Unfold.class, windows().zip(longs().all(), (win, seed) -> new Example(
                        "unfold " + win, v -> v[0].unfold(win.fh(), win.fw(), win.stride(), win.pad()),
                        uniform(seed, -2, 2, win.inputShape())))),
                new Case(Primitive.Fold.class, windows().zip(longs().all(), (win, seed) -> new Example(
                        "fold " + win, v -> v[0].fold(win.inputShape(), win.fh(), win.fw(), win.stride(), win.pad()),
                        uniform(seed, -2, 2, win.rows(), win.cols())))),
                new Case(Primitive.Custom.class, shapes(MAX_RANK, MAX_DIM).zip(longs().all(), (shape, seed) ->
                        new Example("custom x*sin(x)", v -> v[0].tape().apply(X_SIN_X, v[0]), uniform(seed, -2, 2, shape)))));
    }

    /** Window geometries: N 1–2, C 1–2, H and W 2–5, filters 1–3, stride 1–2, pad 0–1, kept where the filter fits. */
    private static Gen<io.github.tapegrad.engine.tensor.Windows> windows() {
        return integers().between(0, Integer.MAX_VALUE - 1).map(k -> {
            java.util.Random r = new java.util.Random(k);
            while (true) {
                int h = 2 + r.nextInt(4);
                int w = 2 + r.nextInt(4);
                int fh = 1 + r.nextInt(3);
                int fw = 1 + r.nextInt(3);
                int pad = r.nextInt(2);
                if (fh <= h + 2 * pad && fw <= w + 2 * pad) {
                    return new io.github.tapegrad.engine.tensor.Windows(1 + r.nextInt(2), 1 + r.nextInt(2), h, w, fh, fw, 1 + r.nextInt(2), pad);
                }
            }
        });
    }

    /** A custom op with a hand-written rule: f(x) = x·sin x, f'(x) = sin x + x·cos x. */
    static final CustomOp X_SIN_X = CustomOp.of("xsinx", in -> {
        double[] x = in[0].toArray();
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] * Math.sin(x[i]);
        Tensor saved = in[0];
        return new CustomOp.Result(Tensor.of(y, in[0].shape()), (g, needs) -> {
            double[] xs = saved.toArray();
            double[] d = new double[xs.length];
            for (int i = 0; i < xs.length; i++) d[i] = Math.sin(xs[i]) + xs[i] * Math.cos(xs[i]);
            return new Tensor[] {g.mul(Tensor.of(d, saved.shape()))};
        });
    });

    private static Gen<Example> reduction(String name, boolean distinctValues) {
        return shapes(MAX_RANK, MAX_DIM).zip(integers().between(-1, MAX_RANK - 1), booleans().all(), longs().all(),
                (shape, axis, keep, seed) -> {
                    // distinct values: a max with ties sits on a kink, where the numerical gradient is meaningless
                    Tensor x = distinctValues ? distinct(seed, 0.1, shape) : uniform(seed, -2, 2, shape);
                    if (axis < 0 || axis >= shape.length) {
                        return new Example(name + "(all)", v -> name.equals("sum") ? v[0].sum() : v[0].max(), x);
                    }
                    return new Example(name + "(axis=" + axis + ", keepDims=" + keep + ")",
                            v -> name.equals("sum") ? v[0].sum(axis, keep) : v[0].max(axis, keep), x);
                });
    }

    private static int[] reversed(int[] s) {
        int[] r = new int[s.length];
        for (int i = 0; i < s.length; i++) r[i] = s[s.length - 1 - i];
        return r;
    }
}
