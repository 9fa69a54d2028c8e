package io.github.tapegrad.nn.tape;

import io.github.tapegrad.engine.autodiff.CustomOp;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Arena;
import io.github.tapegrad.engine.tensor.RawStorage;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.nn.AddLayer;
import io.github.tapegrad.nn.Affine;
import io.github.tapegrad.nn.BatchNormalization;
import io.github.tapegrad.nn.ConvReluPool;
import io.github.tapegrad.nn.Dropout;
import io.github.tapegrad.nn.InputGradients;
import io.github.tapegrad.nn.Layer;
import io.github.tapegrad.nn.MulLayer;
import io.github.tapegrad.nn.Relu;
import io.github.tapegrad.nn.Sigmoid;
import io.github.tapegrad.nn.SoftmaxWithLoss;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.ejml.data.DMatrixRMaj;

/**
 * The chapter's layers as single custom operations on the tape whose gradient rule is the layer's own
 * hand-written backward: a network on the tape can use the fast hand-written passes. These ops have no recordable
 * rule: differentiable (higher-order) gradients through them fail clearly — use {@link LayerFunctions} for those.
 *
 * <p><b>Memory.</b> Relu, Sigmoid, Affine, BatchNormalization and SoftmaxWithLoss take their layers and their
 * gradients' storage from the tape's {@link Arena}: the k-th such op of a step reuses the layer of the k-th op of the
 * previous step, so a training loop that rewinds its tape between steps allocates no array storage. Their values live
 * until the tape is rewound; reading one after that throws. MulLayer, AddLayer and Dropout make fresh layers.
 */
public final class FusedLayers {
    private FusedLayers() {}

    private static final CustomOp MUL = CustomOp.of("MulLayer", in -> {
        MulLayer layer = new MulLayer();
        Tensor out = layer.forward(in[0], in[1]);
        return new CustomOp.Result(out, (g, needs) -> {
            InputGradients d = layer.backward(g);
            return new Tensor[] {d.dx(), d.dy()};
        });
    });

    private static final CustomOp ADD = CustomOp.of("AddLayer", in -> {
        AddLayer layer = new AddLayer();
        Tensor out = layer.forward(in[0], in[1]);
        return new CustomOp.Result(out, (g, needs) -> {
            InputGradients d = layer.backward(g);
            return new Tensor[] {d.dx(), d.dy()};
        });
    });

    private static final CustomOp RELU = elementwise("Relu", Relu::new);

    private static final CustomOp SIGMOID = elementwise("Sigmoid", Sigmoid::new);

    /** A single-input, shape-preserving layer as an op, its layer reused from the arena by position. */
    private static CustomOp elementwise(String name, Supplier<Layer> make) {
        return CustomOp.withArena(name, (in, arena) -> {
            Layer layer = arena.reuse(name, make);
            int[] shape = in[0].shape();
            // NOTE: the output is the layer's own buffer: this application is the only one to run it forward this step
            Tensor out = arena.tensor(layer.forward(RawStorage.read(in[0])), name, shape);
            return new CustomOp.Result(out, (g, needs) -> {
                DMatrixRMaj gm = RawStorage.read(g);
                DMatrixRMaj dx = layer.backward(gm, arena.matrix(gm.numRows, gm.numCols));
                return new Tensor[] {arena.tensor(dx, name + " backward", shape)};
            });
        });
    }

    private static final CustomOp AFFINE = CustomOp.withArena("Affine", FusedLayers::applyAffine);

    private static CustomOp.Result applyAffine(Tensor[] in, Arena arena) {
        if (in[1].rank() != 2) throw new IllegalArgumentException("Affine: W must be rank 2, got " + Arrays.toString(in[1].shape()));
        // the layer reads W, b and x in place: they do not change within the step, and this layer never updates them
        DMatrixRMaj w = RawStorage.read(in[1]);
        DMatrixRMaj bias = RawStorage.read(in[2]);
        // an Affine layer holds W and b by reference, so it is reused only for the same matrices (a borrowed parameter)
        Affine layer = arena.reuse(List.of("Affine", new Identity(w), new Identity(bias)), () -> new Affine("Affine", w, bias));
        int[] xShape = in[0].shape();
        // a rank > 2 input (a batch of pooled maps) is read as (N, rest) in place, not copied into that shape
        DMatrixRMaj x = in[0].rank() > 2 ? RawStorage.readRows(in[0], new DMatrixRMaj(1, 1)) : RawStorage.read(in[0]);
        DMatrixRMaj out = layer.forward(x);
        int[] wShape = in[1].shape();
        int[] bShape = in[2].shape();
        return new CustomOp.Result(arena.tensor(out, "Affine", out.numRows, out.numCols), (g, needs) -> {
            DMatrixRMaj gm = RawStorage.read(g);
            Tensor[] grads = new Tensor[3];
            // an input gradient nobody wants (the first layer's) is skipped: no dout·Wᵀ
            if (needs[0]) grads[0] = arena.tensor(layer.backwardInput(gm, arena.matrix(x.numRows, x.numCols)), "Affine backward (dx)", xShape);
            if (needs[1] || needs[2]) {
                DMatrixRMaj dW = arena.matrix(w.numRows, w.numCols);
                DMatrixRMaj db = arena.matrix(1, w.numCols);
                layer.backwardParameters(gm, dW, db);
                grads[1] = arena.tensor(dW, "Affine backward (dW)", wShape);
                grads[2] = arena.tensor(db, "Affine backward (db)", bShape);
            }
            return grads;
        });
    }

    /** A key part that compares a matrix by identity. */
    private record Identity(DMatrixRMaj matrix) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Identity other && other.matrix == matrix;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(matrix);
        }
    }

    private static final CustomOp BATCH_NORM = CustomOp.withArena("BatchNormalization", (in, arena) -> {
        if (in[0].rank() != 2) throw new IllegalArgumentException("BatchNormalization: x must be rank 2, got " + Arrays.toString(in[0].shape()));
        DMatrixRMaj gamma = RawStorage.read(in[1]);
        DMatrixRMaj beta = RawStorage.read(in[2]);
        // a layer in training mode over this γ and β; its running statistics are not used
        BatchNormalization layer = arena.reuse(List.of("BatchNormalization", new Identity(gamma), new Identity(beta)),
                () -> new BatchNormalization("BatchNormalization", gamma, beta, 0.9));
        DMatrixRMaj out = layer.forward(RawStorage.read(in[0]));
        int[] xShape = in[0].shape();
        int[] gShape = in[1].shape();
        int[] bShape = in[2].shape();
        return new CustomOp.Result(arena.tensor(out, "BatchNormalization", xShape), (g, needs) -> {
            // NOTE: copied out of the layer's buffers, which a second gradient request of this step would overwrite
            DMatrixRMaj dx = copy(arena, layer.backward(RawStorage.read(g)));
            return new Tensor[] {arena.tensor(dx, "BatchNormalization backward (dx)", xShape),
                    arena.tensor(copy(arena, layer.dgamma()), "BatchNormalization backward (dgamma)", gShape),
                    arena.tensor(copy(arena, layer.dbeta()), "BatchNormalization backward (dbeta)", bShape)};
        });
    });

    private static DMatrixRMaj copy(Arena arena, DMatrixRMaj m) {
        DMatrixRMaj c = arena.matrix(m.numRows, m.numCols);
        System.arraycopy(m.data, 0, c.data, 0, m.numRows * m.numCols);
        return c;
    }

    /** BatchNormalization (training mode) on the tape: x (N×D), γ and β of shape (D) or (1×D). */
    public static Var batchNorm(Var x, Var gamma, Var beta) {
        return x.tape().apply(BATCH_NORM, x, gamma, beta);
    }

    /** Dropout (training mode) on the tape, its mask drawn by a fresh layer from {@code new Random(seed)}. */
    public static Var dropout(Var x, double ratio, long seed) {
        return x.tape().apply(CustomOp.of("Dropout", in -> {
            Dropout layer = new Dropout("Dropout", ratio, new java.util.Random(seed));
            Tensor out = layer.forward(in[0]);
            return new CustomOp.Result(out, (g, needs) -> new Tensor[] {layer.backward(g)});
        }), x);
    }

    /** MulLayer on the tape. */
    public static Var mul(Var x, Var y) {
        return x.tape().apply(MUL, x, y);
    }

    /** AddLayer on the tape. */
    public static Var add(Var x, Var y) {
        return x.tape().apply(ADD, x, y);
    }

    /** Relu on the tape. */
    public static Var relu(Var x) {
        return x.tape().apply(RELU, x);
    }

    /** Sigmoid on the tape. */
    public static Var sigmoid(Var x) {
        return x.tape().apply(SIGMOID, x);
    }

    /** Affine on the tape: x·W + b with W (D×M) and b of shape (M) or (1×M). */
    public static Var affine(Var x, Var w, Var b) {
        return x.tape().apply(AFFINE, x, w, b);
    }

    /** SoftmaxWithLoss on the tape with class-index labels; the result is the scalar mean loss. */
    public static Var softmaxWithLoss(Var x, int[] labels) {
        // NOTE: the layer copies the labels during forward, so the caller may reuse its array afterwards
        return x.tape().apply(CustomOp.withArena("SoftmaxWithLoss", (in, arena) ->
                softmaxWithLoss(in[0], arena, layer -> layer.forward(in[0], labels))), x);
    }

    /** SoftmaxWithLoss on the tape with one-hot target rows; the result is the scalar mean loss. */
    public static Var softmaxWithLoss(Var x, Tensor oneHot) {
        return x.tape().apply(CustomOp.withArena("SoftmaxWithLoss", (in, arena) ->
                softmaxWithLoss(in[0], arena, layer -> layer.forward(in[0], oneHot))), x);
    }

    /** The loss op, given how the layer's forward reads the targets. */
    private static CustomOp.Result softmaxWithLoss(Tensor scores, Arena arena,
                                                   java.util.function.ToDoubleFunction<SoftmaxWithLoss> forward) {
        SoftmaxWithLoss layer = arena.reuse("SoftmaxWithLoss", SoftmaxWithLoss::new);
        DMatrixRMaj loss = arena.matrix(1, 1);
        loss.data[0] = forward.applyAsDouble(layer);
        int[] shape = scores.shape();
        return new CustomOp.Result(arena.tensor(loss, "SoftmaxWithLoss", new int[0]), (g, needs) -> {
            DMatrixRMaj dx = layer.backward(g.item(), arena.matrix(1, 1));
            return new Tensor[] {arena.tensor(dx, "SoftmaxWithLoss backward", shape)};
        });
    }

    /** Convolution (NCHW) on the tape, its rule the hand-written backward: x (N, C, H, W), W (FN, C, FH, FW), b (FN). */
    public static Var convolution(Var x, Var w, Var b, int stride, int pad) {
        return x.tape().apply(CustomOp.of("Convolution", in -> {
            io.github.tapegrad.nn.Convolution layer = new io.github.tapegrad.nn.Convolution("Convolution", in[1], in[2], stride, pad);
            Tensor out = layer.forward(in[0]);
            return new CustomOp.Result(out, (g, needs) -> {
                // the first layer's input gradient, when nobody asks for it, is skipped: no dout·W, no col2im
                Tensor dx = null;
                if (needs[0]) dx = layer.backward(g);
                else layer.backwardParameters(g);
                return new Tensor[] {dx, layer.dW(), layer.db().reshape(in[2].shape())};
            });
        }), x, w, b);
    }

    /** Max pooling (NCHW) on the tape, its rule the hand-written backward. */
    public static Var maxPooling(Var x, int ph, int pw, int stride, int pad) {
        return x.tape().apply(CustomOp.of("Pooling", in -> {
            io.github.tapegrad.nn.Pooling layer = new io.github.tapegrad.nn.Pooling("Pooling", ph, pw, stride, pad);
            Tensor out = layer.forward(in[0]);
            return new CustomOp.Result(out, (g, needs) -> new Tensor[] {layer.backward(g)});
        }), x);
    }

    /**
     * Convolution, Relu and max pooling as one op whose rule is {@link ConvReluPool}'s hand-written backward: the same
     * values as {@link #maxPooling}({@link #relu}({@link #convolution}(x, w, b, stride, pad)), ph, pw, poolStride,
     * poolPad) in a fraction of the time and memory. x (N, C, H, W), W (FN, C, FH, FW), b (FN); out (N, FN, PH, PW).
     * The block is reused from step to step (its own copy of W and b, refreshed each step: 780 values in the book's
     * network), so a training loop that rewinds its tape allocates no array storage for it.
     */
    public static Var convReluPool(Var x, Var w, Var b, int stride, int pad, int ph, int pw, int poolStride, int poolPad) {
        return x.tape().apply(CustomOp.withArena("ConvReluPool", (in, arena) -> {
            int[] xs = in[0].shape();
            int[] ws = in[1].shape();
            if (xs.length != 4 || ws.length != 4 || xs[1] != ws[1] || in[2].size() != ws[0]) {
                throw new IllegalArgumentException("ConvReluPool: x " + Arrays.toString(xs) + ", W " + Arrays.toString(ws) + " and b "
                        + Arrays.toString(in[2].shape()) + " must be (N, C, H, W), (FN, C, FH, FW) and (FN)");
            }
            BlockOnTape block = arena.reuse(new BlockKey(ws[0], ws[1], ws[2], ws[3], stride, pad, ph, pw, poolStride, poolPad),
                    () -> new BlockOnTape(ws, stride, pad, ph, pw, poolStride, poolPad));
            // NOTE: views of the inputs' storage, not reshaped copies: the op reads them only during this call
            System.arraycopy(RawStorage.read(in[1]).data, 0, block.w.data, 0, block.w.getNumElements());
            System.arraycopy(RawStorage.read(in[2]).data, 0, block.b.data, 0, ws[0]);
            DMatrixRMaj out = block.layer.forward(RawStorage.readRows(in[0], block.view), xs[2], xs[3]);
            int[] outShape = {xs[0], ws[0], block.layer.outHeight(), block.layer.outWidth()};
            int[] bShape = in[2].shape();
            return new CustomOp.Result(arena.tensor(out, "ConvReluPool", outShape), (g, needs) -> {
                DMatrixRMaj gm = RawStorage.readRows(g, block.view);
                Tensor dx = null;
                // the first layer's input gradient, when nobody asks for it, is skipped: no Wᵀ·dconv, no col2im
                if (needs[0]) dx = arena.tensor(block.layer.backward(gm), "ConvReluPool backward (dx)", xs);
                else block.layer.backwardParameters(gm);
                return new Tensor[] {dx, arena.tensor(block.layer.dW(), "ConvReluPool backward (dW)", ws),
                        arena.tensor(block.layer.db(), "ConvReluPool backward (db)", bShape)};
            });
        }), x, w, b);
    }

    /** What makes a ConvReluPool op's block reusable: the same filters' shape and the same geometry. */
    private record BlockKey(int fn, int c, int fh, int fw, int stride, int pad, int ph, int pw, int poolStride, int poolPad) {}

    /** A block over parameter matrices of its own, into which each step copies the op's W and b. */
    private static final class BlockOnTape {
        final DMatrixRMaj w;
        final DMatrixRMaj b;
        /** Points at an input's or a gradient's storage for the length of one call. */
        final DMatrixRMaj view = new DMatrixRMaj(1, 1);
        final ConvReluPool layer;

        BlockOnTape(int[] ws, int stride, int pad, int ph, int pw, int poolStride, int poolPad) {
            w = new DMatrixRMaj(ws[0], ws[1] * ws[2] * ws[3]);
            b = new DMatrixRMaj(1, ws[0]);
            layer = new ConvReluPool("ConvReluPool", new io.github.tapegrad.nn.Convolution("Convolution", w, b, ws[1], ws[2], ws[3], stride, pad),
                    new io.github.tapegrad.nn.Pooling("Pooling", ph, pw, poolStride, poolPad));
        }
    }
}
