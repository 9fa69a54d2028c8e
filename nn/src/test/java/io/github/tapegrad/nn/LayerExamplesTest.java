package io.github.tapegrad.nn;

import io.github.tapegrad.engine.tensor.Tolerance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.nn.tape.FusedLayers;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** Behaviour the properties keep away from: kinks, extremes, the book's defects and its golden numbers. */
class LayerExamplesTest {

    @Test
    void buyApplesWithLayers() {
        MulLayer mulApple = new MulLayer();
        MulLayer mulTax = new MulLayer();
        Tensor applePrice = mulApple.forward(Tensor.scalar(100), Tensor.scalar(2));
        Tensor price = mulTax.forward(applePrice, Tensor.scalar(1.1));
        InputGradients dTax = mulTax.backward(Tensor.scalar(1));
        InputGradients dApple = mulApple.backward(dTax.dx());
        assertEquals(220, price.item(), 1e-9);
        assertEquals(2.2, dApple.dx().item(), 1e-9);
        assertEquals(110, dApple.dy().item(), 1e-9);
        assertEquals(200, dTax.dy().item(), 1e-9);
    }

    @Test
    void reluAtZeroMinusZeroAndNaN() {
        Relu relu = new Relu();
        Tensor out = relu.forward(Tensor.vector(0.0, -0.0, Double.NaN, 2.0, -3.0));
        assertEquals(0.0, out.getFlat(0));
        assertEquals(0.0, out.getFlat(1));
        assertTrue(Double.isNaN(out.getFlat(2)), "Relu(NaN) is NaN, never a silent 0");
        Tensor dx = relu.backward(Tensor.ones(5));
        assertArrayEquals(new double[] {0, 0, 1, 1, 0}, dx.toArray(), "subgradient 0 at 0 and -0, as the book's mask");
    }

    @Test
    void reluBackwardDoesNotModifyDout() {
        Relu relu = new Relu();
        relu.forward(new DMatrixRMaj(new double[][] {{-1, 2}, {3, -4}}));
        DMatrixRMaj dout = new DMatrixRMaj(new double[][] {{5, 6}, {7, 8}});
        DMatrixRMaj copy = dout.copy();
        relu.backward(dout);
        assertArrayEquals(copy.data, dout.data, "the book's Relu.backward writes zeros into dout; ours must not");
    }

    /**
     * backward(dout, dx) writes the same gradient as backward(dout) into the caller's buffer and leaves the layer's
     * own buffer alone (the fused ops keep dx after the layer's next backward).
     */
    @Test
    void backwardIntoACallerBufferMatchesTheLayersOwn() {
        DMatrixRMaj x = new DMatrixRMaj(new double[][] {{-1, 2, 0.5}, {3, -4, 0}});
        DMatrixRMaj dout = new DMatrixRMaj(new double[][] {{0.1, -0.2, 0.3}, {0.4, 0.5, -0.6}});
        DMatrixRMaj other = new DMatrixRMaj(new double[][] {{7, 7, 7}, {7, 7, 7}});
        Layer[] layers = {new Relu(), new Sigmoid(), new Dropout("Dropout", 0.5, new java.util.Random(3))};
        for (Layer layer : layers) {
            layer.forward(x);
            DMatrixRMaj own = layer.backward(dout);
            DMatrixRMaj expected = own.copy();
            DMatrixRMaj mine = layer.backward(other, new DMatrixRMaj(1, 1));
            assertArrayEquals(expected.data, own.data, 0.0, layer.name() + ": backward(dout, dx) wrote into the layer's buffer");
            DMatrixRMaj again = layer.backward(dout, new DMatrixRMaj(5, 5));
            assertEquals(2, again.numRows, layer.name());
            assertEquals(3, again.numCols, layer.name());
            assertArrayEquals(expected.data, java.util.Arrays.copyOf(again.data, 6), 0.0, layer.name());
            assertFalse(java.util.Arrays.equals(expected.data, java.util.Arrays.copyOf(mine.data, 6)), layer.name() + ": dout ignored");
        }
        Affine affine = new Affine("Affine", new DMatrixRMaj(new double[][] {{1, 2}, {3, 4}, {5, 6}}), new DMatrixRMaj(1, 2));
        affine.forward(x);
        DMatrixRMaj dy = new DMatrixRMaj(new double[][] {{1, -1}, {0.5, 2}});
        DMatrixRMaj own = affine.backward(dy).copy();
        DMatrixRMaj mine = affine.backwardInput(dy, new DMatrixRMaj(1, 1));
        assertArrayEquals(own.data, mine.data, 0.0, "Affine dx into a caller's buffer");
        assertEquals(2, mine.numRows);
        assertEquals(3, mine.numCols);
    }

    @Test
    void sigmoidAtExtremes() {
        Sigmoid s = new Sigmoid();
        Tensor y = s.forward(Tensor.vector(-1000, 1000, -800, 40));
        assertEquals(0.0, y.getFlat(0));
        assertEquals(1.0, y.getFlat(1));
        Tensor dx = s.backward(Tensor.ones(4));
        assertFalse(dx.hasNonFinite(), dx.toString());
        assertEquals(0.0, dx.getFlat(0));
        assertEquals(0.0, dx.getFlat(1));
        Tape tape = new Tape();
        Var v = tape.variable(Tensor.vector(-1000, 1000));
        assertFalse(tape.gradients(FusedLayers.sigmoid(v).sum(), v).get(v).hasNonFinite());
    }

    @Test
    void softmaxWithLossHonoursDout() {
        SoftmaxWithLoss layer = new SoftmaxWithLoss();
        layer.forward(Tensor.randn(1, 4, 10), new int[] {1, 2, 3, 9});
        Tensor one = layer.backwardTensor(1.0);
        Tensor two = layer.backwardTensor(2.0);
        assertTrue(two.allClose(one.mul(2.0), new Tolerance(0, 1e-15)), "backward(2) == 2·backward(1); the book ignores dout");
    }

    @Test
    void labelsAndOneHotAgree() {
        Tensor x = Tensor.randn(2, 5, 7);
        int[] labels = {0, 6, 3, 3, 1};
        SoftmaxWithLoss a = new SoftmaxWithLoss();
        SoftmaxWithLoss b = new SoftmaxWithLoss();
        assertEquals(a.forward(x, labels), b.forward(x, Tensor.oneHot(labels, 7)), 1e-15);
        assertTrue(a.backwardTensor(1).allClose(b.backwardTensor(1), new Tolerance(0, 1e-15)));
    }

    @Test
    void lossIsExactAtLargeLogits() {
        SoftmaxWithLoss layer = new SoftmaxWithLoss();
        double loss = layer.forward(Tensor.matrix(new double[][] {{1000, 0}}), new int[] {1});
        assertEquals(1000.0, loss, 1e-9, "a confident wrong prediction costs the logit gap; the book caps it at 16.1");
        assertFalse(layer.backwardTensor(1).hasNonFinite());
        assertEquals(Math.log(10), new SoftmaxWithLoss().forward(Tensor.zeros(3, 10), new int[] {0, 5, 9}), 1e-12);
        assertTrue(new SoftmaxWithLoss().forward(Tensor.matrix(new double[][] {{50, -50}}), new int[] {0}) >= 0);
    }

    @Test
    void affineFlattensHigherRankInputsAndRestoresDxShape() {
        Affine layer = new Affine("Affine1", Tensor.randn(1, 6, 3), Tensor.zeros(3));
        Tensor x = Tensor.randn(2, 4, 2, 3);
        Tensor out = layer.forward(x);
        assertArrayEquals(new int[] {4, 3}, out.shape());
        assertArrayEquals(new int[] {4, 2, 3}, layer.backward(Tensor.ones(4, 3)).shape());
        assertArrayEquals(new double[] {4, 4, 4}, layer.db().data, "db = column sums of dout");
    }

    @Test
    void affineShapeMismatchesNameTheLayerAndShapes() {
        Affine fc2 = new Affine("fc2", Tensor.zeros(50, 10), Tensor.zeros(10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fc2.forward(Tensor.zeros(100, 784)));
        assertEquals("Affine 'fc2': cannot multiply x (100x784) by W (50x10): x.cols=784 != W.rows=50", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Affine("fc1", Tensor.zeros(4, 3), Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("fc1") && e.getMessage().contains("(1x4)") && e.getMessage().contains("(1x3)"), e.getMessage());
        fc2.forward(Tensor.zeros(2, 50));
        e = assertThrows(IllegalArgumentException.class, () -> fc2.backward(Tensor.zeros(3, 10)));
        assertTrue(e.getMessage().contains("dout") && e.getMessage().contains("(3x10)") && e.getMessage().contains("(2x10)"), e.getMessage());
    }

    @Test
    void softmaxWithLossRejectsBadTargets() {
        SoftmaxWithLoss layer = new SoftmaxWithLoss();
        Tensor x = Tensor.zeros(4, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layer.forward(x, new int[] {0, 1, 2, 10}));
        assertEquals("SoftmaxWithLoss: label 10 at row 3 out of range [0, 10)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> layer.forward(x, new int[] {0, -1, 2, 3}));
        assertTrue(e.getMessage().contains("label -1 at row 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> layer.forward(Tensor.zeros(100, 10), new int[50]));
        assertEquals("SoftmaxWithLoss: Expected input batch size (100) to match target batch size (50)", e.getMessage());
        Tensor notOneHot = Tensor.oneHot(new int[] {0, 1, 2, 3}, 10).add(Tensor.of(new double[40], 4, 10));
        double[] twoOnes = notOneHot.toArray();
        twoOnes[2 * 10 + 5] = 1;
        e = assertThrows(IllegalArgumentException.class, () -> layer.forward(x, Tensor.of(twoOnes, 4, 10)));
        assertTrue(e.getMessage().contains("row 2 is not one-hot"), e.getMessage());
        double[] half = Tensor.oneHot(new int[] {0, 1, 2, 3}, 10).toArray();
        half[1] = 0.5;
        e = assertThrows(IllegalArgumentException.class, () -> layer.forward(x, Tensor.of(half, 4, 10)));
        assertTrue(e.getMessage().contains("row 0 is not one-hot: value 0.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> layer.forward(x, Tensor.zeros(4, 10)));
        assertTrue(e.getMessage().contains("has no 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> layer.forward(Tensor.zeros(0, 10), new int[0]));
        assertEquals("SoftmaxWithLoss: empty batch", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> layer.forward(x, Tensor.zeros(4, 9)));
        assertTrue(e.getMessage().contains("(4x10)") && e.getMessage().contains("(4x9)"), e.getMessage());
    }

    @Test
    void softmaxWithLossRejectsNonFiniteScores() {
        SoftmaxWithLoss layer = new SoftmaxWithLoss();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layer.forward(Tensor.matrix(new double[][] {{0, 1}, {Double.POSITIVE_INFINITY, 0}}), new int[] {0, 1}));
        assertTrue(e.getMessage().contains("Infinity at row 1, column 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> layer.forward(Tensor.matrix(new double[][] {{Double.NaN, 1}}), new int[] {0}));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        double[] nanLabel = {Double.NaN, 1};
        e = assertThrows(IllegalArgumentException.class,
                () -> layer.forward(Tensor.matrix(new double[][] {{0, 1}}), Tensor.of(nanLabel, 1, 2)));
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("not one-hot"), e.getMessage());
    }

    @Test
    void backwardBeforeForwardIsRejected() {
        assertThrows(IllegalStateException.class, () -> new Relu().backward(Tensor.ones(1, 1)));
        assertThrows(IllegalStateException.class, () -> new Sigmoid().backward(Tensor.ones(1, 1)));
        assertThrows(IllegalStateException.class, () -> new Affine("a", Tensor.ones(1, 1), Tensor.ones(1)).backward(Tensor.ones(1, 1)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SoftmaxWithLoss().backward(1));
        assertEquals("SoftmaxWithLoss.backward called before forward", e.getMessage());
        assertThrows(IllegalStateException.class, () -> new MulLayer().backward(Tensor.ones()));
        assertThrows(IllegalStateException.class, () -> new AddLayer().backward(Tensor.ones()));
    }

    @Test
    void doutOfTheWrongShapeIsRejected() {
        Relu relu = new Relu();
        relu.forward(Tensor.ones(2, 3));
        assertThrows(IllegalArgumentException.class, () -> relu.backward(Tensor.ones(3, 2)));
        MulLayer mul = new MulLayer();
        mul.forward(Tensor.ones(2, 3), Tensor.ones(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mul.backward(Tensor.ones(3)));
        assertTrue(e.getMessage().contains("MulLayer") && e.getMessage().contains("(2x3)"), e.getMessage());
    }

    @Test
    void fusedOpsKeepSavedValuesPerApplication() {
        Tape tape = new Tape();
        Var a = tape.variable(Tensor.vector(-1, 2));
        Var b = tape.variable(Tensor.vector(3, -4));
        Var y = FusedLayers.relu(a).sum().add(FusedLayers.relu(b).sum());
        assertEquals(Tensor.vector(0, 1), tape.gradients(y, a, b).get(a));
        assertEquals(Tensor.vector(1, 0), tape.gradients(y, a, b).get(b));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.differentiableGradients(y, a));
        assertTrue(e.getMessage().contains("Relu"), e.getMessage());
    }
}
