package io.github.tapegrad.samples.models;

import io.github.tapegrad.engine.check.GradCheck;
import io.github.tapegrad.engine.tensor.Parallel;
import io.github.tapegrad.nn.Affine;
import io.github.tapegrad.nn.Layer;
import io.github.tapegrad.nn.Relu;
import io.github.tapegrad.nn.SoftmaxWithLoss;
import io.github.tapegrad.nn.optim.Optimizer;
import io.github.tapegrad.nn.optim.Param;
import io.github.tapegrad.samples.data.MnistData;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * The book's two-layer network (section 5.7.2): Affine1 → Relu1 → Affine2 → SoftmaxWithLoss, with
 * hand-written backpropagation. Parameters W1, b1, W2, b2 are fields shared with the layers and updated in
 * place by {@link #update}, with any optimizer. Not thread-safe, except {@link #accuracy(MnistData)}, which splits its work over
 * the cores with layers of its own. The gradients can also come from the tape ({@link #trainingStep(GradientEngine,
 * Optimizer)}).
 */
public final class TwoLayerNet implements Network {
    private final Parameters params;
    private final Affine affine1;
    private final Relu relu1;
    private final Affine affine2;
    private final SoftmaxWithLoss lastLayer = new SoftmaxWithLoss();
    private final List<Layer> layers;
    /** The same layers as an array: the hot loop must not allocate an iterator. */
    private final Layer[] layerArray;

    /** The gradients of one backward pass (views owned by the layers, valid until the next gradient call). */
    public record Grads(DMatrixRMaj dW1, DMatrixRMaj db1, DMatrixRMaj dW2, DMatrixRMaj db2) {}

    /** The layers' gradient buffers, made once: they are the same objects after every backward. */
    private final Grads grads;
    /** The parameters with those buffers, for {@link #update}. */
    private final List<Param> paramList;

    /**
     * As the book: W1, W2 ~ weightInitStd·N(0, 1) drawn from {@code rng} (W1 row by row, then W2), b1, b2 = 0.
     */
    public TwoLayerNet(int inputSize, int hiddenSize, int outputSize, double weightInitStd, Random rng) {
        this(Parameters.initial(inputSize, hiddenSize, outputSize, weightInitStd, rng));
    }

    /** A network over existing parameters (shared, not copied). */
    public TwoLayerNet(Parameters params) {
        this.params = params;
        this.affine1 = new Affine("Affine1", params.W1(), params.b1());
        this.relu1 = new Relu("Relu1");
        this.affine2 = new Affine("Affine2", params.W2(), params.b2());
        this.layers = List.of(affine1, relu1, affine2);
        this.layerArray = layers.toArray(new Layer[0]);
        this.grads = new Grads(affine1.dW(), affine1.db(), affine2.dW(), affine2.db());
        this.paramList = paramsWith(new Parameters(grads.dW1(), grads.db1(), grads.dW2(), grads.db2()));
    }

    @Override
    public String describe() {
        return "TwoLayerNet(" + params.inputSize() + ", " + params.hiddenSize() + ", " + params.outputSize() + ")";
    }

    @Override
    public int inputSize() {
        return params.inputSize();
    }

    @Override
    public int outputSize() {
        return params.outputSize();
    }

    @Override
    public List<Param> trainableParams() {
        return paramList;
    }

    @Override
    public Step trainingStep(Optimizer optimizer) {
        return trainingStep(GradientEngine.HAND, optimizer);
    }

    /**
     * Training steps whose gradients come from the given engine, then {@code optimizer}'s update; each returns the loss
     * of its forward pass. The tape engines record the network on a tape of their own each step, have its gradients
     * copied into this network's gradient buffers ({@link TwoLayerNetOnTape#gradientInto}), and rewind the tape, so
     * that the next step reuses its memory as the hand-written network reuses its buffers.
     */
    public Step trainingStep(GradientEngine engine, Optimizer optimizer) {
        if (engine == GradientEngine.HAND) {
            return (x, labels) -> {
                double loss;
                try {
                    loss = gradient(x, labels);
                } catch (IllegalArgumentException e) {
                    loss = Finiteness.nanIfNonFinite(e, paramList, layerArray, x);
                }
                requireFiniteLoss(loss, engine, x);
                update(optimizer);
                return loss;
            };
        }
        TwoLayerNetOnTape.Form form = engine == GradientEngine.TAPE_FUSED ? TwoLayerNetOnTape.Form.FUSED : TwoLayerNetOnTape.Form.COMPOSITE;
        Parameters buffers = new Parameters(grads.dW1(), grads.db1(), grads.dW2(), grads.db2());
        io.github.tapegrad.engine.autodiff.Tape tape = new io.github.tapegrad.engine.autodiff.Tape();
        return (x, labels) -> {
            double loss;
            try {
                loss = TwoLayerNetOnTape.gradientInto(tape, params, x, labels, form, buffers);
            } catch (IllegalArgumentException e) {
                loss = Finiteness.nanIfNonFinite(e, paramList, layerArray, x);
            }
            requireFiniteLoss(loss, engine, x);
            update(optimizer);
            return loss;
        };
    }

    /** Stops a step whose loss is not finite before it updates anything, naming where the first bad value is. */
    private void requireFiniteLoss(double loss, GradientEngine engine, DMatrixRMaj x) {
        if (Double.isFinite(loss)) return;
        throw new NonFiniteLossException(engine.cliName(), Finiteness.diagnose(paramList, layerArray, x));
    }

    @Override
    public DMatrixRMaj probabilities(DMatrixRMaj x) {
        Finiteness.requireFiniteParameters(describe(), paramList);
        lastLayer.forward(predict(x), new int[x.numRows]);
        return lastLayer.y().copy();
    }

    /** The gradients of the last {@link #gradient} call; the same views every time. */
    public Grads grads() {
        return grads;
    }

    /** The parameters, live. */
    public Parameters params() {
        return params;
    }

    /** The layers in insertion order (Affine1, Relu1, Affine2); the loss layer is separate, as in the book. */
    public List<Layer> layers() {
        return layers;
    }

    /** Scores for a batch; owned by the last layer, valid until the next forward. */
    public DMatrixRMaj predict(DMatrixRMaj x) {
        DMatrixRMaj out = x;
        for (Layer layer : layerArray) out = layer.forward(out);
        return out;
    }

    /** Mean loss for a batch with class-index labels. */
    public double loss(DMatrixRMaj x, int[] t) {
        return lastLayer.forward(predict(x), t);
    }

    /**
     * Backpropagation: forward, then backward through the layers in reverse, leaving the gradients in
     * {@link #grads()}. The first layer's input gradient is not computed (nobody needs ∂L/∂x). Allocates nothing
     * once the buffers have the batch's shape.
     *
     * @return the loss of this forward pass
     */
    public double gradient(DMatrixRMaj x, int[] t) {
        double loss = loss(x, t);
        DMatrixRMaj dout = lastLayer.backward(1.0);
        dout = affine2.backward(dout);
        dout = relu1.backward(dout);
        affine1.backwardParameters(dout, affine1.dW(), affine1.db());
        return loss;
    }

    /**
     * One optimizer step in place from the last {@link #gradient} call's gradients (for the book's run, an
     * {@link io.github.tapegrad.nn.optim.Sgd}: θ ← θ − lr·∂θ). The parameter list is made once, so a step allocates
     * nothing.
     */
    public void update(Optimizer optimizer) {
        optimizer.step(paramList);
    }

    /** W1, b1, W2, b2 with the given gradients, in that order: for an optimizer step from gradients held elsewhere. */
    public List<Param> paramsWith(Parameters grads) {
        return List.of(new Param("W1", params.W1(), grads.W1()), new Param("b1", params.b1(), grads.b1()),
                new Param("W2", params.W2(), grads.W2()), new Param("b2", params.b2(), grads.b2()));
    }

    /**
     * Central-difference gradient of {@link #loss} with respect to every parameter, perturbing each entry in
     * place and restoring it exactly. Step ∛ε·max(1, |θ|) (the book uses 1e-4, too coarse for double).
     */
    public Parameters numericalGradient(DMatrixRMaj x, int[] t) {
        Parameters grads = Parameters.zerosLike(params);
        for (int k = 0; k < 4; k++) {
            double[] p = params.get(k).data;
            double[] g = grads.get(k).data;
            for (int i = 0, n = params.get(k).getNumElements(); i < n; i++) {
                double saved = p[i];
                double h = GradCheck.STEP * Math.max(1.0, Math.abs(saved));
                double plus = saved + h;
                double minus = saved - h;
                p[i] = plus;
                double fp = loss(x, t);
                p[i] = minus;
                double fm = loss(x, t);
                p[i] = saved;
                g[i] = (fp - fm) / (plus - minus);
            }
        }
        return grads;
    }

    /** Fraction of rows whose highest score is the label. */
    public double accuracy(DMatrixRMaj x, int[] t) {
        return (double) correct(predict(x), t) / x.numRows;
    }

    /** Rows evaluated per block in {@link #accuracy(MnistData)}: small enough to stay in cache-sized buffers. */
    static final int BLOCK = 500;

    /**
     * Accuracy over a whole data set, in blocks of {@value #BLOCK} rows split over the cores by the engine's
     * {@link Parallel}, whose products then run on their own thread. Each part has its own layers over the shared
     * (read-only during the pass) parameters; the count is an exact integer, so the result does not depend on the split.
     */
    @Override
    public double accuracy(MnistData data) {
        Finiteness.requireFiniteParameters(describe(), paramList);
        if (data.size() == 0) throw new IllegalArgumentException(data.name() + " is empty: accuracy needs at least one example");
        int n = data.size();
        int blocks = (n + BLOCK - 1) / BLOCK;
        java.util.concurrent.atomic.AtomicInteger correct = new java.util.concurrent.atomic.AtomicInteger();
        Parallel.forRows(blocks, 1, (first, last) -> {
            Evaluator e = evaluators.get();
            int count = 0;
            for (int b = first; b < last; b++) {
                int from = b * BLOCK;
                int to = Math.min(n, from + BLOCK);
                data.range(from, to, e.x);
                count += data.countCorrect(e.net.predict(e.x), from);
            }
            correct.addAndGet(count);
        });
        return (double) correct.get() / n;
    }

    /** A thread's layers over this network's parameters and its block buffer, for {@link #accuracy(MnistData)}. */
    private record Evaluator(TwoLayerNet net, DMatrixRMaj x) {}

    /**
     * Per thread, kept from pass to pass: an accuracy pass must not overwrite the training layers' buffers, and a
     * block's buffers (3.1 MB for the batch alone) made anew for every pass would come to about 1 GB over the book's run.
     */
    private final ThreadLocal<Evaluator> evaluators = ThreadLocal.withInitial(() -> new Evaluator(new TwoLayerNet(params()),
            new DMatrixRMaj(1, 1)));

    private static int correct(DMatrixRMaj scores, int[] t) {
        int correct = 0;
        for (int r = 0; r < scores.numRows; r++) if (MnistData.argmax(scores, r) == t[r]) correct++;
        return correct;
    }
}
