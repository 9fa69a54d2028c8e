package io.github.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static io.github.tapegrad.engine.testing.TensorGens.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * The fused block is the three layers in a row: Convolution, then Relu, then Pooling. Forward values are the same
 * numbers when both take the vector kernel (the same chains of fused multiply-adds, the same first maxima), and agree
 * to rounding otherwise; dW, db and dx agree to rounding, because the block sums the batch image by image where the
 * layers sum it in one chain. The three layers themselves are checked
 * against the tape and against central differences in {@code LayerProperties}, so the block is too.
 */
class ConvReluPoolTest {
    /**
     * The batch sums run in another order: each of dW's ≤ 3·9·9·4 terms of size ≤ ~10 carries a relative rounding of
     * 2⁻⁵³, so differences stay near 1e-13; 1e-10 leaves room and still catches any misrouted gradient.
     */
    private static final double TOLERANCE = 1e-10;

    /** A random case over the ranges: N 1–3, C 1–3, H and W 3–9, 1–4 filters of 1–4, stride 1–2, pad 0–2, pool 1–3. */
    private record Case(int n, int c, int h, int w, int fn, int fh, int fw, int stride, int pad, int ph, int pw, int poolStride,
                        int poolPad, long seed) {
        static Case random(long seed) {
            Random r = new Random(seed);
            while (true) {
                int h = 3 + r.nextInt(7);
                int w = 3 + r.nextInt(7);
                int pad = r.nextInt(3);
                int fh = 1 + r.nextInt(4);
                int fw = 1 + r.nextInt(4);
                int stride = 1 + r.nextInt(2);
                if (fh > h + 2 * pad || fw > w + 2 * pad) continue;
                int oh = (h + 2 * pad - fh) / stride + 1;
                int ow = (w + 2 * pad - fw) / stride + 1;
                int ph = 1 + r.nextInt(3);
                int pw = 1 + r.nextInt(3);
                int poolStride = 1 + r.nextInt(3);
                int poolPad = r.nextInt(Math.min(ph, pw) / 2 + 1);
                if (ph > oh + 2 * poolPad || pw > ow + 2 * poolPad) continue;
                return new Case(1 + r.nextInt(3), 1 + r.nextInt(3), h, w, 1 + r.nextInt(4), fh, fw, stride, pad, ph, pw, poolStride,
                        poolPad, seed);
            }
        }
    }

    private static DMatrixRMaj uniform(Random r, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = 2 * r.nextDouble() - 1;
        return m;
    }

    private static void assertClose(String what, Case c, DMatrixRMaj expected, DMatrixRMaj actual) {
        assertEquals(expected.getNumElements(), actual.getNumElements(), what + " size, " + c);
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.getNumElements(); i++) {
            double a = expected.data[i];
            double b = actual.data[i];
            double excess = Math.abs(a - b) - TOLERANCE * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
            if (excess > worstExcess || Double.isNaN(excess)) {
                worstExcess = Double.isNaN(excess) ? Double.POSITIVE_INFINITY : excess;
                worst = i;
            }
        }
        if (worst >= 0) {
            fail(what + " of " + c + ": worst index " + worst + " of (" + expected.numRows + "x" + expected.numCols + "), layers "
                    + expected.data[worst] + ", block " + actual.data[worst]);
        }
    }

    /**
     * @param exact whether the forward values must be the same bits: they are when both products take the same kernel
     *              (the book's sizes do); a small product runs EJML's, whose rounding differs from a chain of FMAs
     */
    private static void check(Case c, boolean exact) {
        Random r = new Random(c.seed);
        DMatrixRMaj w = uniform(r, c.fn, c.c * c.fh * c.fw);
        DMatrixRMaj b = uniform(r, 1, c.fn);
        DMatrixRMaj x = uniform(r, c.n, c.c * c.h * c.w);
        Convolution conv = new Convolution("Conv", w, b, c.c, c.fh, c.fw, c.stride, c.pad);
        Relu relu = new Relu();
        Pooling pool = new Pooling("Pool", c.ph, c.pw, c.poolStride, c.poolPad);
        ConvReluPool block = new ConvReluPool("Block", conv, pool);

        DMatrixRMaj expected = pool.forward(relu.forward(conv.forward(x, c.h, c.w)), c.fn, conv.outHeight(), conv.outWidth()).copy();
        // twice: the second call reuses the block's geometry and buffers
        for (int round = 0; round < 2; round++) {
            DMatrixRMaj out = block.forward(x, c.h, c.w);
            assertEquals(expected.numRows, out.numRows, c.toString());
            assertEquals(expected.numCols, out.numCols, c.toString());
            if (!exact) {
                assertClose("forward", c, expected, out);
                continue;
            }
            for (int i = 0; i < expected.getNumElements(); i++) {
                if (expected.data[i] != out.data[i]) {
                    fail("forward of " + c + " at " + i + ": layers " + expected.data[i] + ", block " + out.data[i]);
                }
            }
        }
        DMatrixRMaj dout = uniform(r, expected.numRows, expected.numCols);
        DMatrixRMaj dx = conv.backward(relu.backward(pool.backward(dout))).copy();
        DMatrixRMaj blockDx = block.backward(dout);
        assertClose("dx", c, dx, blockDx);
        assertClose("dW", c, conv.dWMatrix(), block.dW());
        assertClose("db", c, conv.dbMatrix(), block.db());
        DMatrixRMaj dW = block.dW().copy();
        block.backwardParameters(dout);
        assertClose("dW without dx", c, dW, block.dW());
    }

    /** 300 random geometries, tiling pools (the block's window-order path) and overlapping or padded ones. */
    @Test
    void theBlockIsConvolutionThenReluThenPooling() {
        qt(300).forAll(longs().all()).checkAssert(seed -> check(Case.random(seed), false));
    }

    /** The book's SimpleConvNet geometry (28×28, 30 filters 5×5, 2×2 pool): the forward values are the same bits. */
    @Test
    void theBooksGeometry() {
        check(new Case(4, 1, 28, 28, 30, 5, 5, 1, 0, 2, 2, 2, 0, 7), true);
    }

    /** Ties and relu's closed side route like the layers: a constant image makes every window a tie, and −b closes relu. */
    @Test
    void tiesAndClosedReluRouteLikeTheLayers() {
        DMatrixRMaj w = new DMatrixRMaj(new double[][] {{1, 1, 1, 1}, {-1, -1, -1, -1}});
        DMatrixRMaj b = new DMatrixRMaj(new double[][] {{0, 0.5}});
        Convolution conv = new Convolution("Conv", w, b, 1, 2, 2, 1, 0);
        ConvReluPool block = new ConvReluPool("Block", conv, new Pooling("Pool", 2, 2, 2, 0));
        DMatrixRMaj x = new DMatrixRMaj(1, 25);
        java.util.Arrays.fill(x.data, 1.0);
        DMatrixRMaj out = block.forward(x, 5, 5);
        assertEquals(8, out.numCols);
        for (int i = 0; i < 4; i++) assertEquals(4.0, out.data[i], 0.0, "filter 0 sees 4 ones");
        for (int i = 4; i < 8; i++) assertEquals(0.0, out.data[i], 0.0, "filter 1 is closed by relu (−4 + 0.5)");
        DMatrixRMaj dout = new DMatrixRMaj(1, 8);
        java.util.Arrays.fill(dout.data, 1.0);
        DMatrixRMaj dx = block.backward(dout);
        // each window's first (top-left) entry takes the gradient: conv positions (0,0), (0,2), (2,0), (2,2) of filter 0,
        // each spreading 1 over its 2×2 input patch, which here do not overlap
        double[] expected = new double[25];
        for (int p : new int[] {0, 2, 10, 12}) {
            for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) expected[p + i * 5 + j] += 1;
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, java.util.Arrays.copyOf(dx.data, 25), 0.0);
        assertEquals(4.0, block.db().data[0], 0.0);
        assertEquals(0.0, block.db().data[1], 0.0, "no gradient through a closed relu");
    }

    @Test
    void badShapesAreNamed() {
        Convolution conv = new Convolution("Conv", new DMatrixRMaj(2, 9), new DMatrixRMaj(1, 2), 1, 3, 3, 1, 0);
        ConvReluPool block = new ConvReluPool("Block", conv, new Pooling("Pool", 2, 2, 2, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> block.forward(new DMatrixRMaj(2, 10), 3, 3));
        assertEquals("Block: rows of 10 values are not 1 channels of 3x3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> block.forward(new DMatrixRMaj(2, 9), 3, 3));
        assertTrue(e.getMessage().startsWith("Block: windows: a 2x2 filter"), e.getMessage());
        assertEquals("Block.backward called before forward",
                assertThrows(IllegalStateException.class, () -> block.backward(new DMatrixRMaj(2, 2))).getMessage());
        block.forward(new DMatrixRMaj(2, 16), 4, 4);
        e = assertThrows(IllegalArgumentException.class, () -> block.backward(new DMatrixRMaj(2, 3)));
        assertEquals("Block: dout has shape (2x3), expected (2x2)", e.getMessage());
    }
}
