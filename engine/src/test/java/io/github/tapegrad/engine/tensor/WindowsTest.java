package io.github.tapegrad.engine.tensor;

import static io.github.tapegrad.engine.testing.TensorGens.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** im2col and col2im: the book's layout, fold the adjoint of unfold, and clear errors for windows that do not fit. */
class WindowsTest {

    /** The book's im2col of one 3×3 channel with 2×2 windows, stride 1, and with pad 1 (zeros around). */
    @Test
    void unfoldLaysOutWindowsAsTheBookDoes() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        assertEquals(Tensor.matrix(new double[][] {{1, 2, 4, 5}, {2, 3, 5, 6}, {4, 5, 7, 8}, {5, 6, 8, 9}}), x.unfold(2, 2, 1, 0));
        Tensor padded = x.unfold(2, 2, 2, 1);
        assertArrayEquals(new int[] {4, 4}, padded.shape());
        assertArrayEquals(new double[] {0, 0, 0, 1}, java.util.Arrays.copyOf(padded.toArray(), 4), 0.0, "the top-left window: 3 pads, then x[0,0]");
        Tensor two = Tensor.of(new double[] {1, 2, 3, 4, 10, 20, 30, 40}, 1, 2, 2, 2);
        assertEquals(Tensor.matrix(new double[][] {{1, 2, 3, 4, 10, 20, 30, 40}}), two.unfold(2, 2, 1, 0), "channels side by side in a row");
    }

    /** ⟨unfold(x), y⟩ = ⟨x, fold(y)⟩ for 200 random geometries: fold is unfold's adjoint (and so its VJP). */
    @Test
    void foldIsTheAdjointOfUnfold() {
        qt(200).forAll(longs().all(), integers().between(1, 3)).checkAssert((seed, pad) -> {
            Random r = new Random(seed);
            int h = 1 + r.nextInt(7);
            int w = 1 + r.nextInt(7);
            int fh = 1 + r.nextInt(Math.min(4, h + 2 * (pad - 1)));
            int fw = 1 + r.nextInt(Math.min(4, w + 2 * (pad - 1)));
            Windows win = new Windows(1 + r.nextInt(3), 1 + r.nextInt(3), h, w, fh, fw, 1 + r.nextInt(3), pad - 1);
            Tensor x = Tensor.uniform(r.nextLong(), -1, 1, win.inputShape());
            Tensor y = Tensor.uniform(r.nextLong(), -1, 1, win.rows(), win.cols());
            double left = x.unfold(fh, fw, win.stride(), win.pad()).mul(y).sum().item();
            double right = x.mul(y.fold(win.inputShape(), fh, fw, win.stride(), win.pad())).sum().item();
            assertEquals(left, right, 1e-12 * Math.max(1, Math.abs(left)), win.toString());
        });
    }

    /**
     * One image's transposed unfold is exactly the transpose of that image's rows of {@link Windows#unfold} (the padding
     * value included), and its fold equals fold of the whole batch on that image (to rounding: the sums run in another
     * order), for 200 random geometries with strides 1–3 and pads 0–2.
     */
    @Test
    void theImageLayoutIsTheTransposeOfTheBatchLayout() {
        qt(200).forAll(longs().all(), integers().between(0, 2)).checkAssert((seed, pad) -> {
            Random r = new Random(seed);
            int h = 1 + r.nextInt(8);
            int w = 1 + r.nextInt(8);
            int fh = 1 + r.nextInt(Math.min(4, h + 2 * pad));
            int fw = 1 + r.nextInt(Math.min(4, w + 2 * pad));
            Windows win = new Windows(1 + r.nextInt(3), 1 + r.nextInt(3), h, w, fh, fw, 1 + r.nextInt(3), pad);
            double[] x = new double[win.n() * win.c() * h * w];
            for (int i = 0; i < x.length; i++) x[i] = r.nextDouble() - 0.5;
            double[] col = new double[win.rows() * win.cols()];
            win.unfold(x, -7.0, col);
            double[] dcol = new double[col.length];
            for (int i = 0; i < dcol.length; i++) dcol[i] = r.nextDouble() - 0.5;
            double[] folded = new double[x.length];
            win.fold(dcol, folded);
            int positions = win.oh() * win.ow();
            double[] colT = new double[win.cols() * positions];
            double[] dcolT = new double[colT.length];
            double[] imageFolded = new double[x.length];
            java.util.Arrays.fill(imageFolded, Double.NaN);
            for (int n = 0; n < win.n(); n++) {
                win.unfoldImage(x, n, -7.0, colT);
                for (int p = 0; p < positions; p++) {
                    for (int k = 0; k < win.cols(); k++) {
                        int row = (n * positions + p) * win.cols() + k;
                        assertEquals(col[row], colT[k * positions + p], 0.0, win + ": image " + n + ", position " + p + ", entry " + k);
                        dcolT[k * positions + p] = dcol[row];
                    }
                }
                win.foldImage(dcolT, n, imageFolded);
            }
            for (int i = 0; i < x.length; i++) assertEquals(folded[i], imageFolded[i], 1e-14, win + ": input entry " + i);
        });
    }

    @Test
    void windowsThatDoNotFitAreNamed() {
        Tensor x = Tensor.zeros(1, 1, 3, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.unfold(5, 2, 1, 0));
        assertEquals("unfold: windows: a 5x2 filter with stride 1 and pad 0 does not fit an input of shape (1x1x3x3)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, 3).unfold(2, 2, 1, 0));
        assertEquals("unfold: expected an (N, C, H, W) input, got shape (3x3)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(5, 4).fold(new int[] {1, 1, 3, 3}, 2, 2, 1, 0));
        assertTrue(e.getMessage().startsWith("fold: a (5x4) matrix is not the unfolded form of (1x1x3x3)"), e.getMessage());
    }
}
