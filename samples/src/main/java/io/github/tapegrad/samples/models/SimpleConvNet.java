package io.github.tapegrad.samples.models;

import io.github.tapegrad.nn.Affine;
import io.github.tapegrad.nn.ConvReluPool;
import io.github.tapegrad.nn.Convolution;
import io.github.tapegrad.nn.Pooling;
import io.github.tapegrad.nn.Relu;
import io.github.tapegrad.nn.SoftmaxWithLoss;
import io.github.tapegrad.nn.optim.Optimizer;
import io.github.tapegrad.nn.optim.Param;
import io.github.tapegrad.samples.data.MnistData;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * The book's SimpleConvNet (chapter 7): Conv (FN filters FS×FS, stride 1, pad 0) → Relu → max Pool 2×2 (stride 2)
 * → Affine → Relu → Affine → SoftmaxWithLoss, with the hand-written layers on reused buffers; the first three run as
 * one {@link ConvReluPool}, image by image, which gives the same numbers as the three layers in a row (tested) without
 * ever writing the convolution's output (30 maps of 24×24 per image) to memory. Parameters W1
 * (FN × C·FS·FS, the book's (FN, C, FS, FS) row-major), b1, W2, b2, W3, b3 are shared with the layers and updated in
 * place by an optimizer. Not thread-safe.
 */
public final class SimpleConvNet implements Network {
    /** The shape and sizes: input C×H×W, FN filters FS×FS, hidden units, classes. */
    public record Config(int channels, int height, int width, int filters, int filterSize, int hidden, int classes) {
        public Config {
            if (channels < 1 || height < 1 || width < 1 || filters < 1 || filterSize < 1 || hidden < 1 || classes < 1) {
                throw new IllegalArgumentException("SimpleConvNet sizes must be positive");
            }
            if (filterSize > height || filterSize > width || (height - filterSize + 1) / 2 < 1 || (width - filterSize + 1) / 2 < 1) {
                throw new IllegalArgumentException("SimpleConvNet: a " + filterSize + "x" + filterSize + " filter and 2x2 pooling do not fit "
                        + height + "x" + width + " images");
            }
        }

        int convHeight() {
            return height - filterSize + 1;
        }

        int convWidth() {
            return width - filterSize + 1;
        }

        /** Values after pooling: FN·(OH/2)·(OW/2), the first Affine's input size. */
        int pooledSize() {
            return filters * (convHeight() / 2) * (convWidth() / 2);
        }

        @Override
        public String toString() {
            return "SimpleConvNet(" + channels + "x" + height + "x" + width + "; conv " + filters + "x" + filterSize + "x" + filterSize
                    + ", pool 2x2, hidden " + hidden + ", " + classes + " classes)";
        }
    }

    private final Config config;
    private final ConvReluPool convReluPool;
    private final Affine affine1;
    private final Relu relu2 = new Relu("Relu2");
    private final Affine affine2;
    private final SoftmaxWithLoss last = new SoftmaxWithLoss();
    private final List<Param> params;

    /** Weights std·N(0, 1) from {@code rng} (W1, then W2, then W3, row-major), biases 0, as the book initialises them. */
    public SimpleConvNet(Config config, double std, Random rng) {
        this(config, random(config.filters(), config.channels() * config.filterSize() * config.filterSize(), std, rng),
                new DMatrixRMaj(1, config.filters()), random(config.pooledSize(), config.hidden(), std, rng),
                new DMatrixRMaj(1, config.hidden()), random(config.hidden(), config.classes(), std, rng), new DMatrixRMaj(1, config.classes()));
    }

    /** A network over existing parameters (shared, not copied). */
    public SimpleConvNet(Config config, DMatrixRMaj w1, DMatrixRMaj b1, DMatrixRMaj w2, DMatrixRMaj b2, DMatrixRMaj w3, DMatrixRMaj b3) {
        this.config = config;
        Convolution conv = new Convolution("Conv1", w1, b1, config.channels(), config.filterSize(), config.filterSize(), 1, 0);
        this.convReluPool = new ConvReluPool("Conv1-Relu1-Pool1", conv, new Pooling("Pool1", 2, 2, 2, 0));
        this.affine1 = new Affine("Affine1", w2, b2);
        this.affine2 = new Affine("Affine2", w3, b3);
        this.params = List.of(new Param("W1", w1, convReluPool.dW()), new Param("b1", b1, convReluPool.db()), new Param("W2", w2, affine1.dW()),
                new Param("b2", b2, affine1.db()), new Param("W3", w3, affine2.dW()), new Param("b3", b3, affine2.db()));
    }

    private static DMatrixRMaj random(int rows, int cols, double std, Random rng) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = std * rng.nextGaussian();
        return m;
    }

    public Config config() {
        return config;
    }

    @Override
    public String describe() {
        return config.toString();
    }

    @Override
    public int inputSize() {
        return config.channels() * config.height() * config.width();
    }

    @Override
    public int outputSize() {
        return config.classes();
    }

    @Override
    public List<Param> trainableParams() {
        return params;
    }

    /** Scores for a batch of images as rows; owned by the last layer. */
    public DMatrixRMaj predict(DMatrixRMaj x) {
        DMatrixRMaj h = convReluPool.forward(x, config.height(), config.width());
        return affine2.forward(relu2.forward(affine1.forward(h)));
    }

    /** The loss of a batch, forward only (cross-entropy with the book's 1e-7 inside the log). */
    public double loss(DMatrixRMaj x, int[] t) {
        return last.forward(predict(x), t);
    }

    /** Forward and backward, leaving the gradients in the parameters' buffers; the input's gradient is not computed. */
    public double gradient(DMatrixRMaj x, int[] t) {
        double loss = last.forward(predict(x), t);
        DMatrixRMaj d = affine2.backward(last.backward(1.0));
        d = affine1.backward(relu2.backward(d));
        convReluPool.backwardParameters(d);
        return loss;
    }

    @Override
    public Step trainingStep(Optimizer optimizer) {
        return (x, labels) -> {
            double loss;
            try {
                loss = gradient(x, labels);
            } catch (IllegalArgumentException e) {
                loss = Double.NaN;
                if (Finiteness.badParameter(params) == null && Finiteness.firstBad(x) == null) throw e;
            }
            if (!Double.isFinite(loss)) {
                String bad = Finiteness.badParameter(params);
                throw new NonFiniteLossException("hand", bad != null ? bad : "a layer's output overflowed");
            }
            optimizer.step(params);
            return loss;
        };
    }

    @Override
    public double accuracy(MnistData data) {
        return Finiteness.blockAccuracy(describe(), params, data, 100, this::predict);
    }

    @Override
    public DMatrixRMaj probabilities(DMatrixRMaj x) {
        Finiteness.requireFiniteParameters(describe(), params);
        last.forward(predict(x), new int[x.numRows]);
        return last.y().copy();
    }
}
