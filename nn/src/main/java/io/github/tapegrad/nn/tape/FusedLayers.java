package io.github.tapegrad.nn.tape;

import io.github.tapegrad.engine.autodiff.CustomOp;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.nn.AddLayer;
import io.github.tapegrad.nn.BatchNormalization;
import io.github.tapegrad.nn.Dropout;
import io.github.tapegrad.nn.Affine;
import io.github.tapegrad.nn.InputGradients;
import io.github.tapegrad.nn.MulLayer;
import io.github.tapegrad.nn.Relu;
import io.github.tapegrad.nn.Sigmoid;
import io.github.tapegrad.nn.SoftmaxWithLoss;
import org.ejml.data.DMatrixRMaj;

/**
 * The chapter's layers as single custom operations on the tape whose gradient rule is the layer's own
 * hand-written backward: a network on the tape can use the fast hand-written passes. Each application creates
 * a fresh layer, so its saved values belong to that application alone. These ops have no recordable rule:
 * differentiable (higher-order) gradients through them fail clearly — use {@link LayerFunctions} for those.
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

    /**
     * A single-input, shape-preserving layer as an op. NOTE: the forward buffer belongs to this application's own
     * layer, which runs forward no more (or not before its workspace is rewound, see {@link FusedWorkspace}), so it is
     * handed to the output tensor without a copy; each backward call writes into a fresh buffer (a tape may ask for
     * gradients more than once), also handed over without a copy.
     */
    private static CustomOp elementwise(String name, java.util.function.Supplier<io.github.tapegrad.nn.Layer> make) {
        return elementwise(name, make, null);
    }

    /** {@link #elementwise(String, java.util.function.Supplier)} with the layer taken from a workspace, or made when null. */
    private static CustomOp elementwise(String name, java.util.function.Supplier<io.github.tapegrad.nn.Layer> make,
            FusedWorkspace workspace) {
        return CustomOp.of(name, in -> {
            FusedWorkspace.Slot slot = workspace == null ? null : workspace.take(name, make::get);
            Object owner = slot == null ? null : slot.owner;
            io.github.tapegrad.nn.Layer layer = slot == null ? make.get() : (io.github.tapegrad.nn.Layer) slot.layer;
            int[] shape = in[0].shape();
            Tensor out = Tensor.wrap(layer.forward(in[0].matrixView())).reshape(shape);
            return new CustomOp.Result(out, (g, needs) -> {
                if (slot != null) slot.checkOwner(owner, name);
                return new Tensor[] {Tensor.wrap(layer.backward(g.matrixView(), new DMatrixRMaj(1, 1))).reshape(shape)};
            });
        });
    }

    private static final CustomOp AFFINE = affine(null);

    /** The Affine op, its layer taken from a workspace, or made for each application when null. */
    private static CustomOp affine(FusedWorkspace workspace) {
        return CustomOp.of("Affine", in -> applyAffine(in, workspace));
    }

    private static CustomOp.Result applyAffine(Tensor[] in, FusedWorkspace workspace) {
        if (in[1].rank() != 2) throw new IllegalArgumentException("Affine: W must be rank 2, got " + java.util.Arrays.toString(in[1].shape()));
        // the layer reads W, b and x in place: tensors are immutable, and this layer never updates its parameters
        DMatrixRMaj w = in[1].matrixView();
        DMatrixRMaj bias = in[2].matrixView();
        FusedWorkspace.Slot slot = workspace == null ? null
                : workspace.take(java.util.List.of("Affine", FusedWorkspace.identity(w), FusedWorkspace.identity(bias)),
                () -> new Affine("Affine", w, bias));
        Object owner = slot == null ? null : slot.owner;
        Affine layer = slot == null ? new Affine("Affine", w, bias) : (Affine) slot.layer;
        int[] xShape = in[0].shape();
        Tensor out = Tensor.wrap(layer.forward(in[0].rank() > 2 ? in[0].reshape(xShape[0], -1).matrixView() : in[0].matrixView()));
        int[] bShape = in[2].shape();
        return new CustomOp.Result(out, new CustomOp.Backward() {
            @Override
            public Tensor[] vjp(Tensor g, boolean[] needs) {
                return vjp(g, needs, new DMatrixRMaj[3]);
            }

            /** Writes dx, dW and db into the caller's buffers where there are some, else into fresh ones. */
            @Override
            public Tensor[] vjp(Tensor g, boolean[] needs, DMatrixRMaj[] into) {
                if (slot != null) slot.checkOwner(owner, "Affine");
                DMatrixRMaj gm = g.matrixView();
                // an input gradient nobody wants (the first layer's) is skipped: no dout·Wᵀ
                Tensor dx = needs[0] ? Tensor.wrap(layer.backwardInput(gm, orFresh(into[0]))).reshape(xShape) : null;
                // the buffers are handed to the result tensors without a copy
                DMatrixRMaj dW = orFresh(into[1]);
                DMatrixRMaj db = orFresh(into[2]);
                layer.backwardParameters(gm, dW, db);
                return new Tensor[] {dx, Tensor.wrap(dW), Tensor.wrap(db).reshape(bShape)};
            }
        });
    }

    private static DMatrixRMaj orFresh(DMatrixRMaj buffer) {
        return buffer != null ? buffer : new DMatrixRMaj(1, 1);
    }

    private static final CustomOp BATCH_NORM = CustomOp.of("BatchNormalization", in -> {
        if (in[0].rank() != 2) throw new IllegalArgumentException("BatchNormalization: x must be rank 2, got " + java.util.Arrays.toString(in[0].shape()));
        // a fresh layer in training mode; its running statistics are not used
        BatchNormalization layer = new BatchNormalization("BatchNormalization", in[1].matrixView(), in[2].matrixView(), 0.9);
        Tensor out = Tensor.wrap(layer.forward(in[0].matrixView()));
        int[] gShape = in[1].shape();
        int[] bShape = in[2].shape();
        return new CustomOp.Result(out, (g, needs) -> {
            Tensor dx = Tensor.fromMatrix(layer.backward(g.matrixView()));
            return new Tensor[] {dx, Tensor.fromMatrix(layer.dgamma()).reshape(gShape), Tensor.fromMatrix(layer.dbeta()).reshape(bShape)};
        });
    });

    /** BatchNormalization (training mode) on the tape: x (N×D), γ and β of shape (D) or (1×D). */
    public static Var batchNorm(Var x, Var gamma, Var beta) {
        return x.tape().apply(BATCH_NORM, x, gamma, beta);
    }

    /** Dropout (training mode) on the tape, its mask drawn by a fresh layer from {@code new Random(seed)}. */
    public static Var dropout(Var x, double ratio, long seed) {
        return x.tape().apply(elementwise("Dropout", () -> new Dropout("Dropout", ratio, new java.util.Random(seed))), x);
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

    /** Relu on the tape, its output in a {@link FusedWorkspace} layer's buffer (a fresh layer's when null). */
    public static Var relu(Var x, FusedWorkspace workspace) {
        return workspace == null ? relu(x) : x.tape().apply(elementwise("Relu", Relu::new, workspace), x);
    }

    /** Sigmoid on the tape. */
    public static Var sigmoid(Var x) {
        return x.tape().apply(SIGMOID, x);
    }

    /** Affine on the tape: x·W + b with W (D×M) and b of shape (M) or (1×M). */
    public static Var affine(Var x, Var w, Var b) {
        return x.tape().apply(AFFINE, x, w, b);
    }

    /** Affine on the tape, its output in a {@link FusedWorkspace} layer's buffer (a fresh layer's when null). */
    public static Var affine(Var x, Var w, Var b, FusedWorkspace workspace) {
        return workspace == null ? affine(x, w, b) : x.tape().apply(affine(workspace), x, w, b);
    }

    /** SoftmaxWithLoss on the tape with class-index labels; the result is the scalar mean loss. */
    public static Var softmaxWithLoss(Var x, int[] labels) {
        int[] t = labels.clone();
        return softmaxWithLoss(x, (layer, scores) -> layer.forward(scores, t));
    }

    /** SoftmaxWithLoss on the tape with one-hot target rows; the result is the scalar mean loss. */
    public static Var softmaxWithLoss(Var x, Tensor oneHot) {
        return softmaxWithLoss(x, (layer, scores) -> layer.forward(scores, oneHot));
    }

    /** The loss op, given how a fresh layer's forward reads the targets. */
    private static Var softmaxWithLoss(Var x, java.util.function.ToDoubleBiFunction<SoftmaxWithLoss, Tensor> forward) {
        return x.tape().apply(CustomOp.of("SoftmaxWithLoss", in -> {
            SoftmaxWithLoss layer = new SoftmaxWithLoss();
            double loss = forward.applyAsDouble(layer, in[0]);
            int[] shape = in[0].shape();
            return new CustomOp.Result(Tensor.scalar(loss),
                    (g, needs) -> new Tensor[] {layer.backwardTensor(g.item()).reshape(shape)});
        }), x);
    }
}
