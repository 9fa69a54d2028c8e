package io.github.tapegrad.samples.models;

import io.github.tapegrad.nn.Affine;
import io.github.tapegrad.nn.BatchNormalization;
import io.github.tapegrad.nn.Dropout;
import io.github.tapegrad.nn.Layer;
import io.github.tapegrad.nn.Relu;
import io.github.tapegrad.nn.Sigmoid;
import io.github.tapegrad.nn.SoftmaxWithLoss;
import io.github.tapegrad.nn.optim.Param;
import io.github.tapegrad.samples.data.MnistData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * A configurable fully connected network (the book's chapter 6 MultiLayerNetExtend) built from the hand-written
 * layers: per hidden layer Affine → [BatchNormalization] → ReLU or Sigmoid → [Dropout], then Affine →
 * SoftmaxWithLoss, with optional L2 weight decay. Any {@link io.github.tapegrad.nn.optim.Optimizer} updates its
 * {@link #params()}. Not thread-safe.
 */
public final class MultiLayerNet implements Network {
    private final NetConfig config;
    private final List<Affine> affines = new ArrayList<>();
    private final List<BatchNormalization> norms = new ArrayList<>();
    private final List<Dropout> dropouts = new ArrayList<>();
    private final Layer[] layers;
    private final SoftmaxWithLoss last = new SoftmaxWithLoss();
    private final List<Param> params = new ArrayList<>();

    /**
     * Initialises the weights from {@code rng} layer by layer (row-major), biases 0, γ 1, β 0; each Dropout layer gets a
     * generator seeded from {@code rng} after the weights.
     */
    public MultiLayerNet(NetConfig config, Random rng) {
        this(config, initialWeights(config, rng), rng);
    }

    private MultiLayerNet(NetConfig config, List<DMatrixRMaj> weights, Random rng) {
        this.config = config;
        int[] sizes = config.sizes();
        List<Layer> list = new ArrayList<>();
        for (int i = 0; i < sizes.length - 1; i++) {
            int k = i + 1;
            DMatrixRMaj w = weights.get(2 * i);
            DMatrixRMaj b = weights.get(2 * i + 1);
            Affine affine = new Affine("Affine" + k, w, b);
            affines.add(affine);
            list.add(affine);
            params.add(new Param("W" + k, w, affine.dW()));
            params.add(new Param("b" + k, b, affine.db()));
            if (i == sizes.length - 2) break;
            if (config.batchNorm()) {
                DMatrixRMaj gamma = new DMatrixRMaj(1, sizes[k]);
                gamma.fill(1.0);
                BatchNormalization bn = new BatchNormalization("BatchNorm" + k, gamma, new DMatrixRMaj(1, sizes[k]), 0.9);
                norms.add(bn);
                list.add(bn);
                params.add(new Param("gamma" + k, bn.gamma(), bn.dgamma()));
                params.add(new Param("beta" + k, bn.beta(), bn.dbeta()));
            }
            list.add(config.activation() == NetConfig.Activation.RELU ? new Relu("Relu" + k) : new Sigmoid("Sigmoid" + k));
            if (config.dropout() > 0) {
                Dropout d = new Dropout("Dropout" + k, config.dropout(), new Random(rng.nextLong()));
                dropouts.add(d);
                list.add(d);
            }
        }
        this.layers = list.toArray(new Layer[0]);
    }

    private static List<DMatrixRMaj> initialWeights(NetConfig config, Random rng) {
        int[] sizes = config.sizes();
        List<DMatrixRMaj> out = new ArrayList<>();
        for (int i = 0; i < sizes.length - 1; i++) {
            DMatrixRMaj w = new DMatrixRMaj(sizes[i], sizes[i + 1]);
            double std = config.init().std(sizes[i]);
            for (int j = 0; j < w.data.length; j++) w.data[j] = std * rng.nextGaussian();
            out.add(w);
            out.add(new DMatrixRMaj(1, sizes[i + 1]));
        }
        return out;
    }

    public NetConfig config() {
        return config;
    }

    /** Every parameter with its gradient buffer, in layer order (W1, b1, [γ1, β1], W2, …): what an optimizer updates. */
    public List<Param> params() {
        return params;
    }

    /** The layers in order (the loss layer excluded). */
    public List<Layer> layers() {
        return List.of(layers);
    }

    /** The Dropout layers, in order, for checks that replay their masks. */
    public List<Dropout> dropouts() {
        return List.copyOf(dropouts);
    }

    /** The BatchNormalization layers, in order. */
    public List<BatchNormalization> batchNorms() {
        return List.copyOf(norms);
    }

    private void training(boolean on) {
        for (BatchNormalization bn : norms) bn.training(on);
        for (Dropout d : dropouts) d.training(on);
    }

    @Override
    public String describe() {
        return config.toString();
    }

    @Override
    public int inputSize() {
        return config.inputSize();
    }

    @Override
    public int outputSize() {
        return config.outputSize();
    }

    @Override
    public List<Param> trainableParams() {
        return params;
    }

    /** Training steps: gradient in training mode, then the optimizer's update. */
    @Override
    public Step trainingStep(io.github.tapegrad.nn.optim.Optimizer optimizer) {
        return (x, t) -> {
            double loss;
            try {
                loss = gradient(x, t);
            } catch (IllegalArgumentException e) {
                loss = Finiteness.nanIfNonFinite(e, params, layers, x);
            }
            if (!Double.isFinite(loss)) throw new NonFiniteLossException("hand", Finiteness.diagnose(params, layers, x));
            optimizer.step(params);
            return loss;
        };
    }

    /** Scores in inference mode (running statistics, no dropout); owned by the last layer. */
    public DMatrixRMaj predict(DMatrixRMaj x) {
        training(false);
        return forward(x);
    }

    private DMatrixRMaj forward(DMatrixRMaj x) {
        DMatrixRMaj out = x;
        for (Layer layer : layers) out = layer.forward(out);
        return out;
    }

    /** ½·λ·Σ‖W‖² over the weights. */
    public double weightDecayLoss() {
        if (config.weightDecay() == 0) return 0;
        double s = 0;
        for (Affine a : affines) for (int i = 0, n = a.W().getNumElements(); i < n; i++) s += a.W().data[i] * a.W().data[i];
        return 0.5 * config.weightDecay() * s;
    }

    /** Mean loss in inference mode, weight decay included. */
    public double loss(DMatrixRMaj x, int[] t) {
        return last.forward(predict(x), t) + weightDecayLoss();
    }

    /**
     * Forward in training mode and backward, leaving the gradients in {@link #params()}' buffers (∂W includes λ·W).
     * The first layer's input gradient is not computed.
     *
     * @return the loss of this forward pass, weight decay included
     */
    public double gradient(DMatrixRMaj x, int[] t) {
        training(true);
        double loss = last.forward(forward(x), t) + weightDecayLoss();
        DMatrixRMaj dout = last.backward(1.0);
        for (int i = layers.length - 1; i >= 1; i--) dout = layers[i].backward(dout);
        affines.get(0).backwardParameters(dout, affines.get(0).dW(), affines.get(0).db());
        if (config.weightDecay() > 0) {
            for (Affine a : affines) {
                double[] dw = a.dW().data;
                double[] w = a.W().data;
                for (int i = 0, n = a.W().getNumElements(); i < n; i++) dw[i] += config.weightDecay() * w[i];
            }
        }
        return loss;
    }

    /** Accuracy in inference mode, in blocks of 1000 rows (matrix products split over the cores). */
    @Override
    public double accuracy(MnistData data) {
        return Finiteness.blockAccuracy(describe(), params, data, 1000, this::predict);
    }

    @Override
    public DMatrixRMaj probabilities(DMatrixRMaj x) {
        Finiteness.requireFiniteParameters(describe(), params);
        int[] anyLabels = new int[x.numRows];
        last.forward(predict(x), anyLabels);
        return last.y().copy();
    }
}
