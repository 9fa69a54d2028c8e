package io.github.tapegrad.engine.tensor;

import io.github.tapegrad.engine.tensor.Tolerance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void factoriesAndShapes() {
        assertEquals(0, Tensor.scalar(3).rank());
        assertEquals(3.0, Tensor.scalar(3).item());
        assertArrayEquals(new int[] {3}, Tensor.vector(1, 2, 3).shape());
        Tensor m = Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new int[] {2, 3}, m.shape());
        assertEquals(6.0, m.get(1, 2));
        assertEquals(5.0, Tensor.full(5, 2, 2).get(1, 1));
        assertEquals(0.0, Tensor.zeros(2, 3, 4).sum().item());
        assertEquals(24.0, Tensor.ones(2, 3, 4).sum().item());
        assertEquals(Tensor.randn(7, 3, 3), Tensor.randn(7, 3, 3), "seeded random is repeatable");
        assertFalse(Tensor.randn(7, 3, 3).equals(Tensor.randn(8, 3, 3)));
        Tensor u = Tensor.uniform(1, -1, 1, 1000);
        assertTrue(u.max().item() < 1 && u.neg().max().item() <= 1);
        DMatrixRMaj backing = Tensor.ones(2, 3, 4).toMatrix();
        assertEquals(6, backing.numRows, "rows = product of leading dims");
        assertEquals(4, backing.numCols, "cols = last dim");
    }

    @Test
    void tensorsAreImmutable() {
        double[] values = {1, 2, 3};
        Tensor t = Tensor.vector(values);
        values[0] = 99;
        t.toArray()[1] = 99;
        t.toMatrix().set(0, 2, 99);
        assertArrayEquals(new double[] {1, 2, 3}, t.toArray());
    }

    @Test
    void broadcastingFollowsNumpy() {
        Tensor x = Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5, 6}});
        Tensor b = Tensor.vector(10, 20, 30);
        assertEquals(Tensor.matrix(new double[][] {{11, 22, 33}, {14, 25, 36}}), x.add(b));
        Tensor col = Tensor.of(new double[] {1, 2}, 2, 1);
        assertEquals(Tensor.matrix(new double[][] {{1, 2, 3}, {8, 10, 12}}), x.mul(col));
        assertEquals(Tensor.full(3, 2, 3), Tensor.scalar(1).add(Tensor.full(2, 2, 3)));
        assertArrayEquals(new int[] {4, 2, 3}, Tensor.zeros(4, 1, 3).add(Tensor.zeros(2, 1)).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.add(Tensor.vector(1, 2)));
        assertEquals("add: shapes (2x3) and (2) cannot be broadcast together (dimension 1: 3 vs 2)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3).broadcastTo(2, 2));
        assertEquals(Tensor.vector(5, 7, 9), x.sumTo(3));
        assertEquals(Tensor.of(new double[] {6, 15}, 2, 1), x.sumTo(2, 1));
    }

    @Test
    void reductionsAlongAxes() {
        Tensor x = Tensor.of(new double[] {1, 5, 3, 4, 2, 6, 0, 9, 8, 7, 1, 2}, 2, 3, 2);
        assertEquals(48.0, x.sum().item());
        assertEquals(Tensor.matrix(new double[][] {{6, 15}, {9, 18}}), x.sum(1, false));
        assertArrayEquals(new int[] {2, 1, 2}, x.sum(1, true).shape());
        assertEquals(Tensor.matrix(new double[][] {{3, 6}, {8, 9}}), x.max(1, false));
        assertEquals(9.0, x.max().item());
        assertEquals(Tensor.matrix(new double[][] {{1, 2}, {1, 0}}), x.argmax(1));
        assertEquals(4.0, x.mean().item());
        assertEquals(Double.NaN, Tensor.vector(1, Double.NaN, 3).max().item(), "max propagates NaN");
    }

    @Test
    void argmaxTakesTheFirstMaximum() {
        Tensor t = Tensor.matrix(new double[][] {{1, 3, 3}, {5, 1, 5}});
        assertArrayEquals(new int[] {1, 0}, t.argmax(1).toIntArray());
        assertEquals(Tensor.matrix(new double[][] {{0, 1, 0}, {1, 0, 0}}), t.argmaxMask(1));
    }

    @Test
    void rowsGatherSliceConcat() {
        Tensor x = Tensor.matrix(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        assertEquals(Tensor.matrix(new double[][] {{5, 6}, {1, 2}, {5, 6}}), x.takeRows(2, 0, 2));
        assertEquals(Tensor.vector(2, 3, 6), x.gatherPerRow(1, 0, 1));
        assertEquals(Tensor.matrix(new double[][] {{3, 4}, {5, 6}}), x.sliceRows(1, 3));
        assertEquals(Tensor.matrix(new double[][] {{1, 2}, {3, 4}, {5, 6}, {1, 2}}),
                Tensor.concat(0, x, x.sliceRows(0, 1)));
        assertEquals(Tensor.matrix(new double[][] {{1, 2, 1}, {3, 4, 3}, {5, 6, 5}}),
                Tensor.concat(1, x, Tensor.of(new double[] {1, 3, 5}, 3, 1)));
        assertThrows(IndexOutOfBoundsException.class, () -> x.takeRows(3));
        assertThrows(IndexOutOfBoundsException.class, () -> x.gatherPerRow(0, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.concat(0, x, Tensor.zeros(1, 3)));
        assertArrayEquals(new double[][] {{1, 2}, {3, 4}, {5, 6}}, x.toArray2d());
    }

    @Test
    void elementwiseEverydayOps() {
        Tensor x = Tensor.vector(-2, -0.5, 0, 1.5);
        assertEquals(Tensor.vector(2, 0.5, 0, 1.5), x.abs());
        assertEquals(Tensor.vector(-1, -0.5, 0, 1), x.clip(-1, 1));
        assertEquals(Tensor.vector(-2, -0.5, 0, 0), x.minimum(Tensor.scalar(0)));
        assertEquals(Tensor.vector(0, 0, 0, 1.5), x.maximum(Tensor.scalar(0)));
        assertEquals(1e-20, Tensor.scalar(1e-20).log1p().item(), 1e-35, "log1p is accurate near 0");
        assertEquals(Double.NaN, Tensor.scalar(Double.NaN).maximum(Tensor.scalar(0)).item(), "NaN propagates");
        assertEquals(Tensor.vector(4, 0.25), Tensor.vector(2, 0.5).pow(2));
        assertEquals(Tensor.vector(0, 1, 1), Tensor.where(Tensor.vector(1, 0, 0), Tensor.zeros(3), Tensor.ones(3)));
    }

    @Test
    void matmulAndTranspose() {
        Tensor a = Tensor.matrix(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        Tensor b = Tensor.matrix(new double[][] {{1, 0, 2}, {0, 1, 3}});
        assertEquals(Tensor.matrix(new double[][] {{1, 2, 8}, {3, 4, 18}, {5, 6, 28}}), a.matmul(b));
        assertEquals(a.matmul(b).transpose(), b.matmul(a, true, true));
        assertEquals(a.transpose().matmul(a), a.matmul(a, true, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(100, 784).matmul(Tensor.zeros(50, 10)));
        assertEquals("matmul: cannot multiply (100x784) by (50x10)", e.getMessage());
    }

    @Test
    void matmulReadsTransposesInPlaceAndNamesAMismatch() {
        Tensor a = Tensor.uniform(1, -1, 1, 7, 5);
        Tensor b = Tensor.uniform(2, -1, 1, 7, 3);
        assertEquals(a.transpose().matmul(b), a.matmul(b, true, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.matmul(b, false, false));
        assertEquals("matmul: cannot multiply (7x5) by (7x3)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.matmul(Tensor.vector(1, 2)));
        assertTrue(e.getMessage().startsWith("matmul: needs two rank-2 tensors"), e.getMessage());
    }

    @Test
    void aCopyIsEqualAndOwnsItsStorage() {
        Tensor a = Tensor.uniform(3, -1, 1, 2, 3, 4);
        Tensor c = a.copy();
        assertEquals(a, c);
        assertArrayEquals(a.shape(), c.shape());
        assertTrue(RawStorage.read(a).data != RawStorage.read(c).data, "a copy has storage of its own");
    }

    @Test
    void reshapeInfersOneDimension() {
        Tensor x = Tensor.zeros(2, 3, 4);
        assertArrayEquals(new int[] {6, 4}, x.reshape(-1, 4).shape());
        assertThrows(IllegalArgumentException.class, () -> x.reshape(5, -1));
        assertThrows(IllegalArgumentException.class, () -> x.reshape(2, 2));
    }

    @Test
    void printsLikeNumpy() {
        assertEquals("[[1.0, 2.0],\n [3.0, 4.5]]", Tensor.matrix(new double[][] {{1, 2}, {3, 4.5}}).toString());
        assertEquals("3.0", Tensor.scalar(3).toString());
        String big = Tensor.zeros(2000).toString();
        assertTrue(big.contains("..."), big);
        assertTrue(big.length() < 100, big);
    }

    @Test
    void approximateEquality() {
        Tensor a = Tensor.vector(1, 2, 3);
        assertTrue(a.allClose(a.add(1e-9), new Tolerance(1e-8, 0)));
        assertFalse(a.allClose(a.add(1e-7), new Tolerance(1e-8, 0)));
        assertFalse(a.allClose(Tensor.vector(1, 2), new Tolerance(1, 1)));
        assertFalse(Tensor.vector(Double.NaN).allClose(Tensor.vector(0), new Tolerance(1, 1)));
    }

    @Test
    void badShapesAreRejectedWithTheirValues() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[] {1, 2, 3}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(-1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.matrix(new double[][] {{1, 2}, {3}}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.oneHot(new int[] {0, 10}, 10));
        assertEquals("oneHot: label 10 at row 1 out of range [0, 10)", e.getMessage());
    }
}
