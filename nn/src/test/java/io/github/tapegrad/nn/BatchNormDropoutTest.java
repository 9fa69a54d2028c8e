package io.github.tapegrad.nn;

import io.github.tapegrad.engine.tensor.Tolerance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.nn.tape.LayerFunctions;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class BatchNormDropoutTest {

    @Test
    void trainingModeNormalisesEachColumn() {
        BatchNormalization bn = new BatchNormalization("bn", 3);
        Tensor y = bn.forward(Tensor.randn(1, 50, 3).mul(4.0).add(7.0));
        Tensor mean = y.mean(0, false);
        Tensor var = y.mul(y).mean(0, false);
        for (int j = 0; j < 3; j++) {
            assertEquals(0.0, mean.getFlat(j), 1e-12);
            assertEquals(1.0, var.getFlat(j), 1e-6, "variance 1 up to the 1e-6 added before the root");
        }
    }

    @Test
    void runningStatisticsMoveWithMomentumAndServeInference() {
        BatchNormalization bn = new BatchNormalization("bn", 2);
        Tensor x = Tensor.matrix(new double[][] {{1, 10}, {3, 20}});
        bn.forward(x);
        assertArrayEquals(new double[] {0.1 * 2, 0.1 * 15}, bn.runningMean().data, 1e-15);
        assertArrayEquals(new double[] {0.1 * 1, 0.1 * 25}, bn.runningVar().data, 1e-15);
        bn.training(false);
        Tensor y = bn.forward(Tensor.matrix(new double[][] {{0.2, 1.5}}));
        assertEquals((0.2 - 0.2) / Math.sqrt(0.1 + 1e-6), y.get(0, 0), 1e-15, "inference uses the running statistics");
        assertEquals(0.0, y.get(0, 1), 1e-15);
        // the composite form of inference mode agrees with the layer
        Tape tape = new Tape();
        Var v = tape.variable(Tensor.matrix(new double[][] {{0.2, 1.5}}));
        Var c = LayerFunctions.batchNormInference(v, tape.constant(Tensor.ones(2)), tape.constant(Tensor.zeros(2)),
                Tensor.fromMatrix(bn.runningMean()), Tensor.fromMatrix(bn.runningVar()));
        assertTrue(c.value().allClose(y, new Tolerance(0, 1e-14)), c.value() + " vs " + y);
        Tensor dx = bn.backward(Tensor.ones(1, 2));
        Tensor dxTape = tape.gradients(c, Tensor.ones(1, 2), v).get(v);
        assertTrue(dx.allClose(dxTape, new Tolerance(0, 1e-12)), dx + " vs " + dxTape);
    }

    @Test
    void batchNormRejectsBadShapes() {
        BatchNormalization bn = new BatchNormalization("bn1", 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(5, 3)));
        assertTrue(e.getMessage().contains("bn1") && e.getMessage().contains("(5x3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(0, 4)));
        assertThrows(IllegalStateException.class, () -> new BatchNormalization("b", 2).backward(Tensor.ones(1, 2)));
        assertThrows(IllegalArgumentException.class, () -> new BatchNormalization("b", new DMatrixRMaj(1, 2), new DMatrixRMaj(1, 3), 0.9));
    }

    @Test
    void dropoutMasksAreSeededAndInferenceScales() {
        Tensor x = Tensor.ones(4, 25);
        Tensor a = new Dropout("d", 0.5, new Random(3)).forward(x);
        Tensor b = new Dropout("d", 0.5, new Random(3)).forward(x);
        assertEquals(a, b, "the same seed gives the same mask");
        double kept = a.sum().item() / 100;
        assertTrue(kept > 0.3 && kept < 0.7, "about half kept: " + kept);
        Dropout d = new Dropout("d", 0.25, new Random(1)).training(false);
        assertEquals(Tensor.full(0.75, 2, 2), d.forward(Tensor.ones(2, 2)));
        assertEquals(Tensor.full(0.75, 2, 2), d.backward(Tensor.ones(2, 2)));
        assertThrows(IllegalArgumentException.class, () -> new Dropout("d", 1.0, new Random(1)));
    }
}
