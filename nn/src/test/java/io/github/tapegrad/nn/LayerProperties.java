package io.github.tapegrad.nn;

import static io.github.tapegrad.engine.testing.TensorGens.awayFromZero;
import static io.github.tapegrad.engine.testing.TensorGens.broadcastPairs;
import static io.github.tapegrad.engine.testing.TensorGens.dims;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.engine.testing.TensorGens;
import io.github.tapegrad.nn.check.DerivativeReport;
import io.github.tapegrad.nn.check.LayerCase;
import io.github.tapegrad.nn.check.LayerCases;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Every layer checked three ways on generated shapes (batch 1–8, features 1–12), values and upstream gradients:
 * hand-written vs tape to 1e-10·max(1, |a|, |b|), both vs central differences to 1e-5 + 1e-3·|n|, and fused vs
 * composite to 1e-10. Inputs stay where the check is meaningful: Relu inputs at least 1e-3 from the kink,
 * sigmoid inputs in [−10, 10], softmax scores in [−20, 20].
 */
class LayerProperties {
    /** 100 examples per layer: each runs a full numerical Jacobian of at most ~250 entries, a few ms. */
    static final int EXAMPLES = 100;

    private static void holds(String layer, Gen<LayerCase> cases) {
        holds(layer, EXAMPLES, cases);
    }

    private static void holds(String layer, int examples, Gen<LayerCase> cases) {
        double[] worst = {0, 0};
        int[] count = {0};
        TensorGens.qt(examples).forAll(cases).checkAssert(c -> {
            DerivativeReport r = DerivativeReport.of(c);
            assertTrue(r.passed(), () -> describe(c) + "\n" + r);
            worst[0] = Math.max(worst[0], r.worstHandVsTape());
            worst[1] = Math.max(worst[1], r.worstVsNumerical());
            count[0]++;
        });
        System.out.printf(Locale.ROOT, "%-24s %3d examples, worst |hand - tape| %.2e, worst |analytic - numerical| %.2e%n",
                layer, count[0], worst[0], worst[1]);
    }

    private static String describe(LayerCase c) {
        StringBuilder sb = new StringBuilder(c.layer()).append(" at");
        for (int i = 0; i < c.inputs().size(); i++) {
            sb.append(' ').append(c.inputNames().get(i)).append(Shapes.format(c.inputs().get(i).shape()));
        }
        return sb.toString();
    }

    @Test
    void mulLayer() {
        holds("MulLayer", broadcastPairs(2, 8).zip(longs().all(), (s, seed) -> {
            Tensor x = Tensor.uniform(seed, -2, 2, s[0]);
            Tensor y = Tensor.uniform(seed + 1, -2, 2, s[1]);
            return LayerCases.mul(x, y, Tensor.randn(seed + 2, Shapes.broadcast("test", s[0], s[1])));
        }));
    }

    @Test
    void addLayer() {
        holds("AddLayer", broadcastPairs(2, 8).zip(longs().all(), (s, seed) -> {
            Tensor x = Tensor.uniform(seed, -2, 2, s[0]);
            Tensor y = Tensor.uniform(seed + 1, -2, 2, s[1]);
            return LayerCases.add(x, y, Tensor.randn(seed + 2, Shapes.broadcast("test", s[0], s[1])));
        }));
    }

    @Test
    void relu() {
        holds("Relu", dims(8).zip(dims(12), longs().all(), (n, d, seed) ->
                LayerCases.relu(awayFromZero(seed, 1e-3, 3, n, d), Tensor.randn(seed + 1, n, d))));
    }

    @Test
    void sigmoid() {
        holds("Sigmoid", dims(8).zip(dims(12), longs().all(), (n, d, seed) ->
                LayerCases.sigmoid(Tensor.uniform(seed, -10, 10, n, d), Tensor.randn(seed + 1, n, d))));
    }

    @Test
    void affine() {
        holds("Affine", dims(8).zip(dims(12), dims(12), longs().all(), (n, d, m, seed) ->
                LayerCases.affine(Tensor.uniform(seed, -2, 2, n, d), Tensor.uniform(seed + 1, -1, 1, d, m),
                        Tensor.uniform(seed + 2, -1, 1, m), Tensor.randn(seed + 3, n, m))));
    }

    /** Batch sizes from 2 up: with one row, xc = 0 and the backward pass has no batch coupling left to get wrong. */
    @Test
    void batchNormalization() {
        holds("BatchNormalization", integers().between(2, 8).zip(dims(12), longs().all(), (n, d, seed) ->
                LayerCases.batchNorm(Tensor.uniform(seed, -2, 2, n, d), Tensor.uniform(seed + 1, 0.5, 1.5, d),
                        Tensor.uniform(seed + 2, -1, 1, d), Tensor.randn(seed + 3, n, d))));
    }

    @Test
    void dropout() {
        holds("Dropout", dims(8).zip(dims(12), longs().all(), (n, d, seed) ->
                LayerCases.dropout(Tensor.uniform(seed, -2, 2, n, d), 0.1 + 0.5 * new Random(seed).nextDouble(), seed,
                        Tensor.randn(seed + 1, n, d))));
    }

    @Test
    void softmaxWithLossLabels() {
        holds("SoftmaxWithLoss(labels)", dims(8).zip(dims(12), longs().all(), (n, c, seed) -> {
            Random r = new Random(seed);
            int[] labels = r.ints(n, 0, c).toArray();
            return LayerCases.softmaxWithLoss(Tensor.uniform(seed, -20, 20, n, c), labels, r.nextGaussian());
        }));
    }

    @Test
    void softmaxWithLossOneHot() {
        holds("SoftmaxWithLoss(one-hot)", dims(8).zip(dims(12), longs().all(), (n, c, seed) -> {
            Random r = new Random(seed);
            Tensor t = Tensor.oneHot(r.ints(n, 0, c).toArray(), c);
            return LayerCases.softmaxWithLossOneHot(Tensor.uniform(seed, -20, 20, n, c), t, r.nextGaussian());
        }));
    }

    /**
     * Convolution on the shapes: N 1–3, C 1–3, H and W 3–9, 1–4 filters of size 1–4, stride 1–2, pad 0–2 (where
     * the filter fits). 100 examples; the numerical Jacobian runs a forward per input entry, up to ~950 of them.
     */
    @Test
    void convolution() {
        holds("Convolution", 100, longs().all().map(seed -> {
            Random r = new Random(seed);
            while (true) {
                int n = 1 + r.nextInt(3);
                int c = 1 + r.nextInt(3);
                int h = 3 + r.nextInt(7);
                int w = 3 + r.nextInt(7);
                int fn = 1 + r.nextInt(4);
                int fh = 1 + r.nextInt(4);
                int fw = 1 + r.nextInt(4);
                int stride = 1 + r.nextInt(2);
                int pad = r.nextInt(3);
                if (fh > h + 2 * pad || fw > w + 2 * pad) continue;
                io.github.tapegrad.engine.tensor.Windows win = new io.github.tapegrad.engine.tensor.Windows(n, c, h, w, fh, fw, stride, pad);
                return LayerCases.convolution(Tensor.uniform(r.nextLong(), -1, 1, n, c, h, w), Tensor.uniform(r.nextLong(), -1, 1, fn, c, fh, fw),
                        Tensor.uniform(r.nextLong(), -1, 1, fn), stride, pad, Tensor.randn(r.nextLong(), n, fn, win.oh(), win.ow()));
            }
        }));
    }

    /**
     * Max pooling on the shapes: N 1–3, C 1–3, H and W 3–9, pools 1–3, stride 1–2, pad up to half the pool. The
     * input's values are distinct and at least 1e-3 apart, so no window has a tie (the numerical gradient needs that).
     */
    @Test
    void pooling() {
        holds("Pooling", 100, longs().all().map(seed -> {
            Random r = new Random(seed);
            while (true) {
                int n = 1 + r.nextInt(3);
                int c = 1 + r.nextInt(3);
                int h = 3 + r.nextInt(7);
                int w = 3 + r.nextInt(7);
                int ph = 1 + r.nextInt(3);
                int pw = 1 + r.nextInt(3);
                int stride = 1 + r.nextInt(2);
                int pad = r.nextInt(Math.min(ph, pw) / 2 + 1);
                // half the cases tile the input (the composite's reshape path), half slide (its unfold path)
                if (r.nextBoolean()) {
                    stride = ph;
                    pw = ph;
                    pad = 0;
                    h = ph * (1 + r.nextInt(3));
                    w = ph * (1 + r.nextInt(3));
                }
                if (ph > h + 2 * pad || pw > w + 2 * pad) continue;
                io.github.tapegrad.engine.tensor.Windows win = new io.github.tapegrad.engine.tensor.Windows(n * c, 1, h, w, ph, pw, stride, pad);
                return LayerCases.pooling(TensorGens.distinct(r.nextLong(), 1e-2, n, c, h, w), ph, pw, stride, pad,
                        Tensor.randn(r.nextLong(), n, c, win.oh(), win.ow()));
            }
        }));
    }

    /** A tie takes the first maximum in row-major window order, as np.argmax: hand-written, composite and fused agree. */
    @Test
    void aTieInAPoolingWindowGoesToTheFirstMaximum() {
        Tensor x = Tensor.of(new double[] {1, 5, 5, 2, 0, 5, 3, 5, 5}, 1, 1, 3, 3);
        for (int[] geometry : new int[][] {{2, 2, 1, 0}, {3, 3, 3, 0}}) {
            Pooling hand = new Pooling("Pooling", geometry[0], geometry[1], geometry[2], geometry[3]);
            Tensor out = hand.forward(x);
            Tensor dout = Tensor.ones(out.shape());
            Tensor dx = hand.backward(dout);
            io.github.tapegrad.engine.autodiff.Tape tape = new io.github.tapegrad.engine.autodiff.Tape();
            io.github.tapegrad.engine.autodiff.Var v = tape.variable("x", x);
            Tensor composite = tape.gradients(io.github.tapegrad.nn.tape.LayerFunctions.maxPooling(v, geometry[0], geometry[1],
                    geometry[2], geometry[3]), dout, v).get(v);
            Tensor fused = tape.gradients(io.github.tapegrad.nn.tape.FusedLayers.maxPooling(v, geometry[0], geometry[1], geometry[2],
                    geometry[3]), dout, v).get(v);
            org.junit.jupiter.api.Assertions.assertEquals(dx, composite, "composite " + java.util.Arrays.toString(geometry));
            org.junit.jupiter.api.Assertions.assertEquals(dx, fused, "fused " + java.util.Arrays.toString(geometry));
        }
        Pooling whole = new Pooling("Pooling", 3, 3, 3, 0);
        whole.forward(x);
        org.junit.jupiter.api.Assertions.assertEquals(Tensor.of(new double[] {0, 1, 0, 0, 0, 0, 0, 0, 0}, 1, 1, 3, 3),
                whole.backward(Tensor.ones(1, 1, 1, 1)), "the 5 at (0, 1) is the first of four");
    }
}
