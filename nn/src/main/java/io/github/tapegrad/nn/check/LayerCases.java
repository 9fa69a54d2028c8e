package io.github.tapegrad.nn.check;

import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.nn.AddLayer;
import io.github.tapegrad.nn.Affine;
import io.github.tapegrad.nn.BatchNormalization;
import io.github.tapegrad.nn.Dropout;
import io.github.tapegrad.nn.InputGradients;
import io.github.tapegrad.nn.MulLayer;
import io.github.tapegrad.nn.Relu;
import io.github.tapegrad.nn.Sigmoid;
import io.github.tapegrad.nn.SoftmaxWithLoss;
import io.github.tapegrad.nn.tape.FusedLayers;
import io.github.tapegrad.nn.tape.LayerFunctions;
import java.util.List;
import java.util.Random;

/** A {@link LayerCase} for each of the chapter's layers at a given point. */
public final class LayerCases {
    private LayerCases() {}

    public static LayerCase mul(Tensor x, Tensor y, Tensor dout) {
        return new LayerCase("MulLayer", List.of("x", "y"), List.of(x, y), dout,
                in -> new MulLayer().forward(in[0], in[1]),
                (in, g) -> {
                    MulLayer layer = new MulLayer();
                    layer.forward(in[0], in[1]);
                    InputGradients d = layer.backward(g);
                    return new Tensor[] {d.dx(), d.dy()};
                },
                v -> LayerFunctions.mul(v[0], v[1]), v -> FusedLayers.mul(v[0], v[1]));
    }

    public static LayerCase add(Tensor x, Tensor y, Tensor dout) {
        return new LayerCase("AddLayer", List.of("x", "y"), List.of(x, y), dout,
                in -> new AddLayer().forward(in[0], in[1]),
                (in, g) -> {
                    AddLayer layer = new AddLayer();
                    layer.forward(in[0], in[1]);
                    InputGradients d = layer.backward(g);
                    return new Tensor[] {d.dx(), d.dy()};
                },
                v -> LayerFunctions.add(v[0], v[1]), v -> FusedLayers.add(v[0], v[1]));
    }

    public static LayerCase relu(Tensor x, Tensor dout) {
        return new LayerCase("Relu", List.of("x"), List.of(x), dout,
                in -> new Relu().forward(in[0]),
                (in, g) -> {
                    Relu layer = new Relu();
                    layer.forward(in[0]);
                    return new Tensor[] {layer.backward(g)};
                },
                v -> LayerFunctions.relu(v[0]), v -> FusedLayers.relu(v[0]));
    }

    public static LayerCase sigmoid(Tensor x, Tensor dout) {
        return new LayerCase("Sigmoid", List.of("x"), List.of(x), dout,
                in -> new Sigmoid().forward(in[0]),
                (in, g) -> {
                    Sigmoid layer = new Sigmoid();
                    layer.forward(in[0]);
                    return new Tensor[] {layer.backward(g)};
                },
                v -> LayerFunctions.sigmoid(v[0]), v -> FusedLayers.sigmoid(v[0]));
    }

    /** Affine with x (N×D), W (D×M), b (M). */
    public static LayerCase affine(Tensor x, Tensor w, Tensor b, Tensor dout) {
        return new LayerCase("Affine", List.of("x", "W", "b"), List.of(x, w, b), dout,
                in -> new Affine("Affine", in[1], in[2]).forward(in[0]),
                (in, g) -> {
                    Affine layer = new Affine("Affine", in[1], in[2]);
                    layer.forward(in[0]);
                    Tensor dx = layer.backward(g);
                    return new Tensor[] {dx, Tensor.fromMatrix(layer.dW()), Tensor.fromMatrix(layer.db()).reshape(in[2].shape())};
                },
                v -> LayerFunctions.affine(v[0], v[1], v[2]), v -> FusedLayers.affine(v[0], v[1], v[2]));
    }

    /** BatchNormalization in training mode with x (N×D), γ and β (D). */
    public static LayerCase batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor dout) {
        return new LayerCase("BatchNormalization", List.of("x", "gamma", "beta"), List.of(x, gamma, beta), dout,
                in -> fresh(in).forward(in[0]),
                (in, g) -> {
                    BatchNormalization layer = fresh(in);
                    layer.forward(in[0]);
                    Tensor dx = layer.backward(g);
                    return new Tensor[] {dx, Tensor.fromMatrix(layer.dgamma()).reshape(in[1].shape()),
                            Tensor.fromMatrix(layer.dbeta()).reshape(in[2].shape())};
                },
                v -> LayerFunctions.batchNorm(v[0], v[1], v[2]), v -> FusedLayers.batchNorm(v[0], v[1], v[2]));
    }

    private static BatchNormalization fresh(Tensor[] in) {
        return new BatchNormalization("BatchNormalization", in[1].reshape(1, -1).toMatrix(), in[2].reshape(1, -1).toMatrix(), 0.9);
    }

    /** Dropout in training mode, the mask fixed by {@code seed} (the same draws for all three forms). */
    public static LayerCase dropout(Tensor x, double ratio, long seed, Tensor dout) {
        boolean[] keep = Dropout.drawMask(new Random(seed), ratio, x.size());
        double[] m = new double[keep.length];
        for (int i = 0; i < m.length; i++) m[i] = keep[i] ? 1.0 : 0.0;
        Tensor mask = Tensor.of(m, x.shape());
        return new LayerCase("Dropout", List.of("x"), List.of(x), dout,
                in -> new Dropout("Dropout", ratio, new Random(seed)).forward(in[0]),
                (in, g) -> {
                    Dropout layer = new Dropout("Dropout", ratio, new Random(seed));
                    layer.forward(in[0]);
                    return new Tensor[] {layer.backward(g)};
                },
                v -> LayerFunctions.dropout(v[0], mask), v -> FusedLayers.dropout(v[0], ratio, seed));
    }

    /** SoftmaxWithLoss with class-index labels; dout is a scalar. */
    public static LayerCase softmaxWithLoss(Tensor x, int[] labels, double dout) {
        int[] t = labels.clone();
        return new LayerCase("SoftmaxWithLoss", List.of("x"), List.of(x), Tensor.scalar(dout),
                in -> Tensor.scalar(new SoftmaxWithLoss().forward(in[0], t)),
                (in, g) -> {
                    SoftmaxWithLoss layer = new SoftmaxWithLoss();
                    layer.forward(in[0], t);
                    return new Tensor[] {layer.backwardTensor(g.item())};
                },
                v -> LayerFunctions.softmaxWithLoss(v[0], t), v -> FusedLayers.softmaxWithLoss(v[0], t));
    }

    /** SoftmaxWithLoss with one-hot targets; dout is a scalar. */
    public static LayerCase softmaxWithLossOneHot(Tensor x, Tensor oneHot, double dout) {
        return new LayerCase("SoftmaxWithLoss(one-hot)", List.of("x"), List.of(x), Tensor.scalar(dout),
                in -> Tensor.scalar(new SoftmaxWithLoss().forward(in[0], oneHot)),
                (in, g) -> {
                    SoftmaxWithLoss layer = new SoftmaxWithLoss();
                    layer.forward(in[0], oneHot);
                    return new Tensor[] {layer.backwardTensor(g.item())};
                },
                v -> LayerFunctions.softmaxWithLoss(v[0], oneHot), v -> FusedLayers.softmaxWithLoss(v[0], oneHot));
    }

    /** Convolution with x (N, C, H, W), W (FN, C, FH, FW), b (FN). */
    public static LayerCase convolution(Tensor x, Tensor w, Tensor b, int stride, int pad, Tensor dout) {
        return new LayerCase("Convolution", List.of("x", "W", "b"), List.of(x, w, b), dout,
                in -> new io.github.tapegrad.nn.Convolution("Convolution", in[1], in[2], stride, pad).forward(in[0]),
                (in, g) -> {
                    io.github.tapegrad.nn.Convolution layer = new io.github.tapegrad.nn.Convolution("Convolution", in[1], in[2], stride, pad);
                    layer.forward(in[0]);
                    Tensor dx = layer.backward(g);
                    return new Tensor[] {dx, layer.dW(), layer.db().reshape(in[2].shape())};
                },
                v -> LayerFunctions.convolution(v[0], v[1], v[2], stride, pad), v -> FusedLayers.convolution(v[0], v[1], v[2], stride, pad));
    }

    /** Max pooling of x (N, C, H, W) over PH×PW windows. */
    public static LayerCase pooling(Tensor x, int ph, int pw, int stride, int pad, Tensor dout) {
        return new LayerCase("Pooling", List.of("x"), List.of(x), dout,
                in -> new io.github.tapegrad.nn.Pooling("Pooling", ph, pw, stride, pad).forward(in[0]),
                (in, g) -> {
                    io.github.tapegrad.nn.Pooling layer = new io.github.tapegrad.nn.Pooling("Pooling", ph, pw, stride, pad);
                    layer.forward(in[0]);
                    return new Tensor[] {layer.backward(g)};
                },
                v -> LayerFunctions.maxPooling(v[0], ph, pw, stride, pad), v -> FusedLayers.maxPooling(v[0], ph, pw, stride, pad));
    }
}
