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
        double[] worst = {0, 0};
        int[] count = {0};
        TensorGens.qt(EXAMPLES).forAll(cases).checkAssert(c -> {
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
}
