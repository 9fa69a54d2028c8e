package io.github.tapegrad.engine.tensor;

/**
 * The geometry of sliding windows over an (N, C, H, W) tensor, as convolution and pooling use them: filter FH×FW,
 * stride S, zero padding P on every side; OH = (H + 2P − FH)/S + 1 and OW likewise, both at least 1.
 *
 * <p>The unfolded ("im2col") matrix has one row per window position, (n, oh, ow) in row-major order, and one column per
 * window entry, (c, i, j) in row-major order: {@code col[(n·OH + oh)·OW + ow, (c·FH + i)·FW + j] = x[n, c, oh·S + i − P,
 * ow·S + j − P]}, or the padding value outside x. Folding ("col2im") is its adjoint: each entry of the matrix is added
 * back to the input position it came from; padding positions are dropped.
 */
public record Windows(int n, int c, int h, int w, int fh, int fw, int stride, int pad) {

    /**
     * @throws IllegalArgumentException naming {@code who} and every size when the windows do not fit: a non-positive
     *                                  size or stride, a negative pad, or a filter larger than the padded input
     */
    public Windows {
        if (n < 1 || c < 1 || h < 1 || w < 1 || fh < 1 || fw < 1 || stride < 1 || pad < 0 || fh > h + 2 * pad || fw > w + 2 * pad) {
            throw new IllegalArgumentException("windows: a " + fh + "x" + fw + " filter with stride " + stride + " and pad " + pad
                    + " does not fit an input of shape (" + n + "x" + c + "x" + h + "x" + w + ")");
        }
    }

    /** The windows of a rank-4 (N, C, H, W) shape. */
    public static Windows of(String who, int[] shape, int fh, int fw, int stride, int pad) {
        if (shape.length != 4) {
            throw new IllegalArgumentException(who + ": expected an (N, C, H, W) input, got shape " + Shapes.format(shape));
        }
        try {
            return new Windows(shape[0], shape[1], shape[2], shape[3], fh, fw, stride, pad);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(who + ": " + e.getMessage(), e);
        }
    }

    public int oh() {
        return (h + 2 * pad - fh) / stride + 1;
    }

    public int ow() {
        return (w + 2 * pad - fw) / stride + 1;
    }

    /** Rows of the unfolded matrix: N·OH·OW. */
    public int rows() {
        return n * oh() * ow();
    }

    /** Columns of the unfolded matrix: C·FH·FW. */
    public int cols() {
        return c * fh * fw;
    }

    /** The input shape (N, C, H, W). */
    public int[] inputShape() {
        return new int[] {n, c, h, w};
    }

    /**
     * Unfolds {@code x} (N·C·H·W values, row-major) into {@code col} (rows() × cols(), row-major), {@code outside} at
     * padding positions.
     */
    public void unfold(double[] x, double outside, double[] col) {
        int oh = oh();
        int ow = ow();
        int cols = cols();
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < oh; y++) {
                for (int z = 0; z < ow; z++) {
                    int row = ((b * oh + y) * ow + z) * cols;
                    for (int ch = 0; ch < c; ch++) {
                        int base = (b * c + ch) * h;
                        for (int i = 0; i < fh; i++) {
                            int yy = y * stride + i - pad;
                            int at = row + (ch * fh + i) * fw;
                            if (yy < 0 || yy >= h) {
                                for (int j = 0; j < fw; j++) col[at + j] = outside;
                                continue;
                            }
                            int src = (base + yy) * w;
                            for (int j = 0; j < fw; j++) {
                                int xx = z * stride + j - pad;
                                col[at + j] = xx < 0 || xx >= w ? outside : x[src + xx];
                            }
                        }
                    }
                }
            }
        }
    }

    /** Adds every entry of {@code col} (rows() × cols()) to the input position it came from, into {@code x} (zeroed first). */
    public void fold(double[] col, double[] x) {
        java.util.Arrays.fill(x, 0, n * c * h * w, 0.0);
        int oh = oh();
        int ow = ow();
        int cols = cols();
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < oh; y++) {
                for (int z = 0; z < ow; z++) {
                    int row = ((b * oh + y) * ow + z) * cols;
                    for (int ch = 0; ch < c; ch++) {
                        int base = (b * c + ch) * h;
                        for (int i = 0; i < fh; i++) {
                            int yy = y * stride + i - pad;
                            if (yy < 0 || yy >= h) continue;
                            int at = row + (ch * fh + i) * fw;
                            int dst = (base + yy) * w;
                            for (int j = 0; j < fw; j++) {
                                int xx = z * stride + j - pad;
                                if (xx >= 0 && xx < w) x[dst + xx] += col[at + j];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Unfolds image {@code image} of {@code x} into {@code colT}, the transpose of that image's rows of the unfolded
     * matrix: cols() × OH·OW, {@code colT[(c·FH + i)·FW + j, oh·OW + ow] = x[image, c, oh·S + i − P, ow·S + j − P]}, or
     * {@code outside} at padding positions. This layout (Caffe's) makes W·colT the image's output in (FN, OH, OW)
     * order, with no transpose, and keeps one image's work in the cache.
     */
    public void unfoldImage(double[] x, int image, double outside, double[] colT) {
        int oh = oh();
        int ow = ow();
        int positions = oh * ow;
        for (int ch = 0; ch < c; ch++) {
            int base = (image * c + ch) * h * w;
            for (int i = 0; i < fh; i++) {
                for (int j = 0; j < fw; j++) {
                    int row = ((ch * fh + i) * fw + j) * positions;
                    int zFrom = firstInside(j);
                    int zTo = endInside(j);
                    for (int y = 0; y < oh; y++) {
                        int yy = y * stride + i - pad;
                        int at = row + y * ow;
                        if (yy < 0 || yy >= h) {
                            java.util.Arrays.fill(colT, at, at + ow, outside);
                            continue;
                        }
                        java.util.Arrays.fill(colT, at, at + zFrom, outside);
                        int src = base + yy * w + zFrom * stride + j - pad;
                        if (stride == 1) {
                            System.arraycopy(x, src, colT, at + zFrom, zTo - zFrom);
                        } else {
                            for (int z = zFrom; z < zTo; z++, src += stride) colT[at + z] = x[src];
                        }
                        java.util.Arrays.fill(colT, at + zTo, at + ow, outside);
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #unfoldImage}: sets image {@code image} of {@code x} to the sum, over every entry of
     * {@code colT} (cols() × OH·OW), of the entries taken from each position; padding entries are dropped.
     */
    public void foldImage(double[] colT, int image, double[] x) {
        int oh = oh();
        int ow = ow();
        int positions = oh * ow;
        java.util.Arrays.fill(x, image * c * h * w, (image + 1) * c * h * w, 0.0);
        for (int ch = 0; ch < c; ch++) {
            int base = (image * c + ch) * h * w;
            for (int i = 0; i < fh; i++) {
                for (int j = 0; j < fw; j++) {
                    int row = ((ch * fh + i) * fw + j) * positions;
                    int zFrom = firstInside(j);
                    int zTo = endInside(j);
                    for (int y = 0; y < oh; y++) {
                        int yy = y * stride + i - pad;
                        if (yy < 0 || yy >= h) continue;
                        int at = row + y * ow;
                        int dst = base + yy * w + zFrom * stride + j - pad;
                        for (int z = zFrom; z < zTo; z++, dst += stride) x[dst] += colT[at + z];
                    }
                }
            }
        }
    }

    /** The first output column whose window entry j reads inside x: the least z with z·S + j − P ≥ 0. */
    private int firstInside(int j) {
        return Math.min(ow(), Math.max(0, ceilDiv(pad - j, stride)));
    }

    /** One past the last output column whose window entry j reads inside x (z·S + j − P &lt; w), at least {@link #firstInside}. */
    private int endInside(int j) {
        return Math.max(firstInside(j), Math.min(ow(), ceilDiv(w + pad - j, stride)));
    }

    /** ⌈a / b⌉ for b &gt; 0 and any sign of a. */
    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
