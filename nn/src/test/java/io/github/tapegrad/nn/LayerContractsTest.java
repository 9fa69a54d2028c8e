package io.github.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.nn.optim.AdaGrad;
import io.github.tapegrad.nn.optim.Adam;
import io.github.tapegrad.nn.optim.Momentum;
import io.github.tapegrad.nn.optim.Nesterov;
import io.github.tapegrad.nn.optim.RmsProp;
import io.github.tapegrad.nn.optim.Sgd;
import io.github.tapegrad.nn.tape.LayerFunctions;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * The layers' contracts at their edges: argument limits, accessors, shape checks, inference-mode BatchNormalization,
 * buffers reused across calls, and the names the layers and optimizers report. Written against the survivors of a
 * mutation run (README, "Tests").
 */
class LayerContractsTest {

    private static DMatrixRMaj rows(double[][] v) {
        return new DMatrixRMaj(v);
    }

    @Test
    void limitsAreHalfOpenIntervals() {
        assertEquals(0.0, new Dropout("d", 0.0, new Random(1)).ratio());
        assertEquals(0.5, new Dropout("d", 0.5, new Random(1)).ratio());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dropout("d", 1.0, new Random(1)));
        assertEquals("Dropout 'd': ratio must be in [0, 1), got 1.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Dropout("d", -0.1, new Random(1)));
        DMatrixRMaj ones = new DMatrixRMaj(1, 2);
        ones.fill(1.0);
        new BatchNormalization("bn", ones, new DMatrixRMaj(1, 2), 0.0);
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNormalization("bn", ones, new DMatrixRMaj(1, 2), 1.0));
        assertEquals("BatchNormalization 'bn': momentum must be in [0, 1), got 1.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BatchNormalization("bn", ones, new DMatrixRMaj(1, 2), -1e-9));
        assertEquals("Momentum(lr=0.1, momentum=0.0)", new Momentum(0.1, 0.0).toString());
        assertThrows(IllegalArgumentException.class, () -> new Momentum(0.1, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new Nesterov(0.1, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new RmsProp(0.1, 1.0));
    }

    @Test
    void optimizersNameTheirSettings() {
        assertEquals("SGD(lr=0.01)", new Sgd(0.01).toString());
        assertEquals("Momentum(lr=0.01, momentum=0.9)", new Momentum(0.01, 0.9).toString());
        assertEquals("Nesterov(lr=0.01, momentum=0.9)", new Nesterov(0.01, 0.9).toString());
        assertEquals("AdaGrad(lr=0.01)", new AdaGrad(0.01).toString());
        assertEquals("RMSprop(lr=0.01, decay=0.99)", new RmsProp(0.01, 0.99).toString());
        assertEquals("Adam(lr=0.001, beta1=0.9, beta2=0.999)", new Adam(0.001, 0.9, 0.999).toString());
    }

    @Test
    void layersNameThemselvesAndShowTheirState() {
        assertEquals("fc1", new Affine("fc1", Tensor.zeros(2, 3), Tensor.zeros(3)).name());
        assertEquals("act", new Relu("act").name());
        assertEquals("Sigmoid", new Sigmoid().name());
        assertEquals("loss", new SoftmaxWithLoss("loss").name());
        BatchNormalization bn = new BatchNormalization("bn1", 2);
        assertEquals("bn1", bn.name());
        assertSame(bn, bn.training(false));
        assertTrue(!bn.isTraining());
        assertArrayEquals(new double[] {1, 1}, bn.gamma().data, 0.0);
        assertArrayEquals(new double[] {0, 0}, bn.beta().data, 0.0);
        Dropout d = new Dropout("drop", 0.5, new Random(3));
        assertThrows(IllegalStateException.class, d::lastMask, "no mask before a training forward");
        d.forward(rows(new double[][] {{1, 2, 3, 4}}));
        assertEquals(4, d.lastMask().length);
        d.training(false).forward(rows(new double[][] {{1, 2, 3, 4}}));
        IllegalStateException e = assertThrows(IllegalStateException.class, d::lastMask, "no mask after an inference forward");
        assertTrue(e.getMessage().startsWith("drop.backward called before forward"), e.getMessage());
    }

    @Test
    void affineNamesAMisshapenParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Affine("fc", Tensor.zeros(2, 3, 4), Tensor.zeros(4)));
        assertEquals("Affine 'fc': W must be rank 2, got (2x3x4)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Affine("fc", Tensor.zeros(2, 3), Tensor.zeros(2, 3)));
        assertEquals("Affine 'fc': b must have shape (M) or (1xM), got (2x3)", e.getMessage());
    }

    @Test
    void affineTakesA1xMBiasAsItsVectorAndChecksItsBackward() {
        Tensor w = Tensor.matrix(new double[][] {{1, 2}, {3, 4}});
        Affine vector = new Affine("a", w, Tensor.vector(10, 20));
        Affine matrix = new Affine("a", w, Tensor.matrix(new double[][] {{10, 20}}));
        DMatrixRMaj x = rows(new double[][] {{1, 1}});
        assertArrayEquals(vector.forward(x).data, matrix.forward(x).data, 0.0);
        assertArrayEquals(new double[] {14, 26}, matrix.forward(x).data, 0.0);
        assertArrayEquals(new double[] {10, 20}, matrix.b().data, 0.0);
        assertArrayEquals(w.toArray(), matrix.W().data, 0.0);

        Affine fresh = new Affine("fc", w, Tensor.vector(0, 0));
        IllegalStateException before = assertThrows(IllegalStateException.class, () -> fresh.backwardInput(rows(new double[][] {{1, 1}}), new DMatrixRMaj(1, 1)));
        assertEquals("fc.backward called before forward", before.getMessage());
        fresh.forward(x);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fresh.backwardInput(rows(new double[][] {{1, 1, 1}}), new DMatrixRMaj(1, 1)));
        assertTrue(e.getMessage().startsWith("fc: dout has shape (1x3), expected (1x2)"), e.getMessage());
        DMatrixRMaj dW = new DMatrixRMaj(5, 5);
        DMatrixRMaj db = new DMatrixRMaj(3, 3);
        fresh.backwardParameters(rows(new double[][] {{1, 2}}), dW, db);
        assertEquals(1, db.numRows, "db is reshaped to 1×M");
        assertArrayEquals(new double[] {1, 2}, db.data.length == 2 ? db.data : java.util.Arrays.copyOf(db.data, 2), 0.0);
        assertEquals(2, dW.numRows);
        assertArrayEquals(new double[] {1, 2, 1, 2}, java.util.Arrays.copyOf(dW.data, 4), 0.0);
    }

    @Test
    void inferenceModeBatchNormalizationIsAnAffineMapPerFeature() {
        BatchNormalization bn = new BatchNormalization("bn", rows(new double[][] {{2, 3}}), rows(new double[][] {{1, -1}}), 0.5);
        assertTrue(bn.isTraining(), "a new layer trains");
        // one training batch sets the running statistics: mean (2, 4)·0.5, variance (1, 4)·0.5
        bn.forward(rows(new double[][] {{1, 2}, {3, 6}}));
        bn.training(false);
        double std0 = Math.sqrt(0.5 + BatchNormalization.EPS);
        double std1 = Math.sqrt(2.0 + BatchNormalization.EPS);
        // two rows, so that a row's offset into the buffers matters
        DMatrixRMaj y = bn.forward(rows(new double[][] {{5, 7}, {-1, 0}}));
        assertEquals(2 * (5 - 1) / std0 + 1, y.get(0, 0), 1e-12);
        assertEquals(3 * (7 - 2) / std1 - 1, y.get(0, 1), 1e-12);
        assertEquals(2 * (-1 - 1) / std0 + 1, y.get(1, 0), 1e-12);
        assertEquals(3 * (0 - 2) / std1 - 1, y.get(1, 1), 1e-12);
        DMatrixRMaj dx = bn.backward(rows(new double[][] {{1, 2}, {-3, 0.5}}));
        assertEquals(2 * 1 / std0, dx.get(0, 0), 1e-12);
        assertEquals(3 * 2 / std1, dx.get(0, 1), 1e-12);
        assertEquals(2 * -3 / std0, dx.get(1, 0), 1e-12);
        assertEquals(3 * 0.5 / std1, dx.get(1, 1), 1e-12);
    }

    @Test
    void batchNormalizationStartsEveryPassAfresh() {
        BatchNormalization reused = new BatchNormalization("bn", 2);
        reused.forward(rows(new double[][] {{100, -50}, {300, 70}}));
        reused.backward(rows(new double[][] {{1, 2}, {3, 4}}));
        DMatrixRMaj x = rows(new double[][] {{1, 2}, {3, 7}, {-2, 0}});
        DMatrixRMaj dout = rows(new double[][] {{0.5, 1}, {-1, 2}, {0.25, -3}});
        BatchNormalization fresh = new BatchNormalization("bn", 2);
        assertArrayEquals(fresh.forward(x).data, reused.forward(x).data, 0.0, "the batch mean is not carried over");
        assertArrayEquals(fresh.backward(dout).data, reused.backward(dout).data, 0.0);
        assertArrayEquals(fresh.dgamma().data, reused.dgamma().data, 0.0, "dγ is not accumulated across passes");
        assertArrayEquals(fresh.dbeta().data, reused.dbeta().data, 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reused.backward(rows(new double[][] {{1, 2}})));
        assertTrue(e.getMessage().startsWith("bn: dout has shape (1x2), expected (3x2)"), e.getMessage());
    }

    @Test
    void aTargetRowWithTwoOnesIsRefusedWhereverTheFirstOneIs() {
        SoftmaxWithLoss loss = new SoftmaxWithLoss("loss");
        DMatrixRMaj x = rows(new double[][] {{1, 2, 3}});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loss.forward(x, rows(new double[][] {{1, 1, 0}})));
        assertEquals("loss: target row 0 is not one-hot: value 1.0 at column 1 is a second 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> loss.forward(x, rows(new double[][] {{0, 0.5, 0.5}})));
        assertEquals("loss: target row 0 is not one-hot: value 0.5 at column 1", e.getMessage());
        double l = loss.forward(x, new int[] {2});
        assertEquals(l, loss.loss(), 0.0);
        assertArrayEquals(new int[] {2}, loss.labels());
        double[] y = loss.y().data;
        assertEquals(1.0, y[0] + y[1] + y[2], 1e-15);
        assertArrayEquals(loss.backward(1.0).data.clone(), loss.backward().data, 0.0, "backward() is backward(1)");
        DMatrixRMaj into = new DMatrixRMaj(4, 4);
        assertSame(into, loss.backward(2.0, into));
        assertEquals(2 * loss.backward(1.0).get(0, 0), into.get(0, 0), 1e-15);
    }

    @Test
    void addLayerChecksItsDout() {
        AddLayer add = new AddLayer();
        add.forward(Tensor.zeros(2, 3), Tensor.zeros(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> add.backward(Tensor.zeros(3, 2)));
        assertTrue(e.getMessage().startsWith("AddLayer"), e.getMessage());
    }

    @Test
    void theDefaultBackwardIntoABufferIsTheLayersBackward() {
        Affine a = new Affine("a", Tensor.matrix(new double[][] {{1, 2}, {3, 4}}), Tensor.vector(0, 0));
        a.forward(rows(new double[][] {{1, -1}}));
        DMatrixRMaj dout = rows(new double[][] {{2, 5}});
        DMatrixRMaj into = new DMatrixRMaj(7, 7);
        assertSame(into, a.backward(dout, into));
        assertArrayEquals(new double[] {12, 26}, into.data.length == 2 ? into.data : java.util.Arrays.copyOf(into.data, 2), 0.0);
        assertEquals(1, into.numRows);
    }

    @Test
    void theCompositeAffineFlattensInputsOfRankThree() {
        Tape tape = new Tape();
        Tensor x3 = Tensor.uniform(4, -1, 1, 2, 2, 3);
        Var x = tape.variable(x3);
        Var w = tape.variable(Tensor.uniform(5, -1, 1, 6, 4));
        Var b = tape.variable(Tensor.uniform(6, -1, 1, 4));
        Var flat = tape.variable(x3.reshape(2, 6));
        assertArrayEquals(LayerFunctions.affine(flat, w, b).value().toArray(), LayerFunctions.affine(x, w, b).value().toArray(), 0.0);
    }
}
