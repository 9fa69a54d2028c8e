package io.github.tapegrad.nn.tape;

import static io.github.tapegrad.engine.testing.TensorGens.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.tapegrad.engine.autodiff.Functions;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.nn.SoftmaxWithLoss;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The composites check one-hot targets as the layer does: the hand-written SoftmaxWithLoss, its composite
 * ({@link LayerFunctions}), its fused op ({@link FusedLayers}) and the engine's {@link Functions#softmaxCrossEntropy}
 * refuse the same invalid targets with the same message (the engine's names itself instead of the layer).
 */
class TargetValidationProperties {

    /** The ways a target row can fail to be one-hot. */
    private static final double[][] BAD_ROWS = {{0, 0, 0}, {2, 0, 0}, {-1, 2, 0}, {0.5, 0.5, 0}, {1, 1, 0}, {0, Double.NaN, 1},
            {0, 1, Double.POSITIVE_INFINITY}};

    @Test
    void everyFormRefusesTheSameTargetsWithTheSameMessage() {
        // 200 examples: N 1-5 rows with one corrupted row, one of the seven kinds of corruption, spread over 3-6 classes
        qt(200).forAll(longs().all(), integers().between(0, BAD_ROWS.length - 1)).checkAssert((seed, kind) -> {
            Random r = new Random(seed);
            int n = 1 + r.nextInt(5);
            int c = 3 + r.nextInt(4);
            int badRow = r.nextInt(n);
            double[] t = new double[n * c];
            for (int i = 0; i < n; i++) t[i * c + r.nextInt(c)] = 1;
            java.util.Arrays.fill(t, badRow * c, badRow * c + c, 0.0);
            int shift = r.nextInt(c - 2);
            for (int j = 0; j < 3; j++) t[badRow * c + shift + j] = BAD_ROWS[kind][j];
            Tensor targets = Tensor.of(t, n, c);
            Tensor scores = Tensor.uniform(r.nextLong(), -2, 2, n, c);
            String hand = assertThrows(IllegalArgumentException.class, () -> new SoftmaxWithLoss().forward(scores, targets)).getMessage();
            Tape tape = new Tape();
            Var x = tape.variable("x", scores);
            String composite = assertThrows(IllegalArgumentException.class, () -> LayerFunctions.softmaxWithLoss(x, targets)).getMessage();
            String fused = assertThrows(IllegalArgumentException.class, () -> FusedLayers.softmaxWithLoss(x, targets)).getMessage();
            String engine = assertThrows(IllegalArgumentException.class, () -> Functions.softmaxCrossEntropy(x, targets)).getMessage();
            String what = "targets " + targets + " (row " + badRow + ")";
            assertEquals(hand, composite, what);
            assertEquals(hand, fused, what);
            assertEquals(hand.replaceFirst("^SoftmaxWithLoss", "softmaxCrossEntropy"), engine, what);
            assertEquals(true, hand.startsWith("SoftmaxWithLoss: target row " + badRow + " is not one-hot"), what + ": " + hand);
        });
    }
}
