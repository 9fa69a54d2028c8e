package io.github.tapegrad.samples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static io.github.tapegrad.engine.testing.TensorGens.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * gather and range against the definition x[r][p] = pixel / 255, exactly, and the labels. Images are drawn with zero
 * runs (as MNIST's background) and scattered bytes over the whole range 1–255, including the ones that are negative as
 * Java bytes, in rows of many lengths; batches large enough to be split over the cores are included.
 */
class MnistDataTest {

    private static MnistData randomData(long seed, int count, int rows, int cols) {
        Random rng = new Random(seed);
        byte[] pixels = new byte[count * rows * cols];
        for (int i = 0; i < pixels.length; i++) {
            // about 80% zeros, in runs; the rest anywhere in 1..255, including the bytes that are negative in Java
            if (rng.nextInt(10) >= 8) pixels[i] = (byte) (1 + rng.nextInt(255));
            if (rng.nextInt(16) == 0) i += rng.nextInt(20);
        }
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = rng.nextInt(10);
        return new MnistData("random", new IdxReader.Images(count, rows, cols, pixels), labels);
    }

    private static void assertRow(MnistData data, int example, DMatrixRMaj x, int row) {
        for (int p = 0; p < data.features(); p++) {
            double expected = data.pixel(example, p) / 255.0;
            double actual = x.data[row * data.features() + p];
            if (expected != actual) {
                throw new AssertionError("example " + example + " (row " + row + " of " + x.numRows + "x" + x.numCols
                        + "), pixel " + p + ": expected " + expected + " but got " + actual);
            }
        }
    }

    @Test
    void gatherNormalisesEveryPixelAndCopiesTheLabels() {
        // 100 examples per property: every shape is cheap, and the shapes cover row lengths 1..48 (7 of them below 8)
        qt(100).forAll(longs().all(), integers().between(1, 6), integers().between(1, 8), integers().between(1, 40))
                .checkAssert((seed, rows, cols, batch) -> {
                    MnistData data = randomData(seed, 37, rows, cols);
                    Random rng = new Random(seed + 1);
                    int[] picked = new int[batch];
                    for (int k = 0; k < batch; k++) picked[k] = rng.nextInt(data.size());
                    DMatrixRMaj x = new DMatrixRMaj(1, 1);
                    int[] t = new int[batch];
                    data.gather(picked, x, t);
                    assertEquals(batch, x.numRows);
                    assertEquals(rows * cols, x.numCols);
                    for (int k = 0; k < batch; k++) {
                        assertRow(data, picked[k], x, k);
                        assertEquals(data.label(picked[k]), t[k], "label of row " + k);
                    }
                });
    }

    @Test
    void rangeNormalisesEveryPixel() {
        qt(100).forAll(longs().all(), integers().between(1, 6), integers().between(1, 8), integers().between(0, 36))
                .checkAssert((seed, rows, cols, from) -> {
                    MnistData data = randomData(seed, 37, rows, cols);
                    int to = from + 1 + Math.floorMod(seed, 37 - from);
                    DMatrixRMaj x = new DMatrixRMaj(1, 1);
                    data.range(from, to, x);
                    assertEquals(to - from, x.numRows);
                    for (int i = from; i < to; i++) assertRow(data, i, x, i - from);
                });
    }

    @Test
    void fullScaleBatchOfMnistShape() {
        // the book's shape: 100 rows of 784 pixels, which is the size at which the gather splits over the cores
        MnistData data = randomData(7, 1000, 28, 28);
        int[] picked = new Random(8).ints(100, 0, 1000).toArray();
        DMatrixRMaj x = new DMatrixRMaj(1, 1);
        int[] t = new int[100];
        data.gather(picked, x, t);
        for (int k = 0; k < 100; k++) assertRow(data, picked[k], x, k);
    }
}
