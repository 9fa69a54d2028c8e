package io.github.tapegrad.nn.tape;

import io.github.tapegrad.engine.autodiff.CustomOp;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.nn.AddLayer;
import io.github.tapegrad.nn.Affine;
import io.github.tapegrad.nn.Gradients2;
import io.github.tapegrad.nn.MulLayer;
import io.github.tapegrad.nn.Relu;
import io.github.tapegrad.nn.Sigmoid;
import io.github.tapegrad.nn.SoftmaxWithLoss;

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
            Gradients2 d = layer.backward(g);
            return new Tensor[] {d.dx(), d.dy()};
        });
    });

    private static final CustomOp ADD = CustomOp.of("AddLayer", in -> {
        AddLayer layer = new AddLayer();
        Tensor out = layer.forward(in[0], in[1]);
        return new CustomOp.Result(out, (g, needs) -> {
            Gradients2 d = layer.backward(g);
            return new Tensor[] {d.dx(), d.dy()};
        });
    });

    private static final CustomOp RELU = CustomOp.of("Relu", in -> {
        Relu layer = new Relu();
        Tensor out = layer.forward(in[0]);
        return new CustomOp.Result(out, (g, needs) -> new Tensor[] {layer.backward(g)});
    });

    private static final CustomOp SIGMOID = CustomOp.of("Sigmoid", in -> {
        Sigmoid layer = new Sigmoid();
        Tensor out = layer.forward(in[0]);
        return new CustomOp.Result(out, (g, needs) -> new Tensor[] {layer.backward(g)});
    });

    private static final CustomOp AFFINE = CustomOp.of("Affine", in -> {
        Affine layer = new Affine("Affine", in[1], in[2]);
        Tensor out = layer.forward(in[0]);
        int[] bShape = in[2].shape();
        return new CustomOp.Result(out, (g, needs) -> {
            Tensor dx = null;
            if (needs[0]) {
                dx = layer.backward(g);
            } else {
                layer.backwardParameters(g.toMatrix());     // the input gradient is not wanted: skip dout·Wᵀ
            }
            return new Tensor[] {dx, Tensor.fromMatrix(layer.dW()), Tensor.fromMatrix(layer.db()).reshape(bShape)};
        });
    });

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
        int[] t = labels.clone();
        return x.tape().apply(CustomOp.of("SoftmaxWithLoss", in -> {
            SoftmaxWithLoss layer = new SoftmaxWithLoss();
            double loss = layer.forward(in[0], t);
            int[] shape = in[0].shape();
            return new CustomOp.Result(Tensor.scalar(loss),
                    (g, needs) -> new Tensor[] {layer.backwardTensor(g.item()).reshape(shape)});
        }), x);
    }

    /** SoftmaxWithLoss on the tape with one-hot target rows; the result is the scalar mean loss. */
    public static Var softmaxWithLoss(Var x, Tensor oneHot) {
        return x.tape().apply(CustomOp.of("SoftmaxWithLoss", in -> {
            SoftmaxWithLoss layer = new SoftmaxWithLoss();
            double loss = layer.forward(in[0], oneHot);
            int[] shape = in[0].shape();
            return new CustomOp.Result(Tensor.scalar(loss),
                    (g, needs) -> new Tensor[] {layer.backwardTensor(g.item()).reshape(shape)});
        }), x);
    }
}
