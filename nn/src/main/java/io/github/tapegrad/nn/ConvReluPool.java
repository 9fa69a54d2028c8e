package io.github.tapegrad.nn;

import io.github.tapegrad.engine.tensor.BlockMax;
import io.github.tapegrad.engine.tensor.Gemm;
import io.github.tapegrad.engine.tensor.Parallel;
import io.github.tapegrad.engine.tensor.Windows;
import org.ejml.data.DMatrixRMaj;

/**
 * Convolution → Relu → max Pooling as one hand-written block: the values and gradients of the three layers in a row,
 * computed one image at a time so that the convolution's output (the largest array of the book's SimpleConvNet, 30
 * maps of 24×24 per image) never leaves the cache.
 *
 * <p>For image n, with colT the transpose of its im2col rows (C·FH·FW × OH·OW, {@link Windows#unfoldImage}):
 * <pre>
 *   conv = W·colT + b            (FN × OH·OW, already in the (FN, OH, OW) order: no transpose)
 *   out[f, window] = max over the window of max(conv[f, ·], 0)     (padding reads −∞)
 * </pre>
 * Backward routes each dout entry to its window's first maximum when that maximum is positive (relu's gradient; NaN
 * passes, as in {@link Relu}), giving dconv; then dW = Σₙ dconv·colTᵀ, db = Σₙ row sums of dconv and, when asked,
 * dx = fold(Wᵀ·dconv). Ties, padding and NaN behave exactly as in {@link Pooling} after {@link Relu} after
 * {@link Convolution}; the forward values are the same numbers, the gradients the same to rounding (the batch sums run
 * image by image). Images are split over the cores; per-image partial sums are added in image order, so results do
 * not depend on the number of threads.
 *
 * <p>Buffers are reused from call to call: after the first batch of a size, a step allocates nothing. Not thread-safe.
 */
public final class ConvReluPool {
    private final String name;
    private final DMatrixRMaj w;
    private final DMatrixRMaj b;
    private final int channels;
    private final int fh;
    private final int fw;
    private final int convStride;
    private final int convPad;
    private final int ph;
    private final int pw;
    private final int poolStride;
    private final int poolPad;

    private final DMatrixRMaj out = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dx = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dW;
    private final DMatrixRMaj db;
    /**
     * Per pooled output: where its gradient goes in the image's conv map, the index (f·OH·OW + oh·OW + ow) of its
     * window's first maximum; or, when relu lets nothing through (the maximum is &lt;= 0), the slot FN·OH·OW just past
     * the map, which backward ignores. Backward then adds every dout entry without a test: whether relu is open is a
     * coin toss that a branch would lose half the time.
     */
    private int[] route = new int[0];
    /** Per image: its share of dW (FN·K values) and of db (FN values), summed in image order afterwards. */
    private double[] dWParts = new double[0];
    private double[] dbParts = new double[0];
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** The last forward's input, kept (a copy: the caller may reuse its matrix) to rebuild each image's colT in backward. */
    private final DMatrixRMaj x = new DMatrixRMaj(1, 1);
    private Windows conv;
    private Windows pool;
    /**
     * When the pooling windows tile the conv map (no padding, stride at least the window), the forward pass orders the
     * map's positions window entry by window entry: position q = e·windows + o holds entry e = (i, j) of window o =
     * (y, z), that is the map position order[q] = (y·S + i)·OW + z·S + j; positions no window covers come last. Each
     * entry's values then lie side by side, and pooling is a maximum across blocks. Null otherwise.
     */
    private int[] order;
    private DMatrixRMaj dout;
    private boolean wantDx;
    private final Parallel.RangeTask forwardTask = this::forwardImages;
    private final Parallel.RangeTask backwardTask = this::backwardImages;

    /** One thread's buffers for one image. */
    private static final class Scratch {
        final DMatrixRMaj colT = new DMatrixRMaj(1, 1);
        /** colT in the natural position order, before it is put in window order. */
        final DMatrixRMaj natural = new DMatrixRMaj(1, 1);
        final DMatrixRMaj conv = new DMatrixRMaj(1, 1);
        final DMatrixRMaj dconv = new DMatrixRMaj(1, 1);
        final DMatrixRMaj dWPart = new DMatrixRMaj(1, 1);
        final DMatrixRMaj dcolT = new DMatrixRMaj(1, 1);
    }

    /**
     * The fused form of {@code conv}, then a Relu, then {@code pool}: the geometry of both, and {@code conv}'s W and b
     * by reference (an optimizer's in-place updates are seen). Its gradients go to buffers of its own.
     */
    public ConvReluPool(String name, Convolution conv, Pooling pool) {
        this.name = name;
        int[] filters = conv.filterShape();
        this.w = conv.W();
        this.b = conv.b();
        this.channels = filters[1];
        this.fh = filters[2];
        this.fw = filters[3];
        this.convStride = conv.stride();
        this.convPad = conv.pad();
        this.ph = pool.poolHeight();
        this.pw = pool.poolWidth();
        this.poolStride = pool.stride();
        this.poolPad = pool.pad();
        this.dW = new DMatrixRMaj(w.numRows, w.numCols);
        this.db = new DMatrixRMaj(1, w.numRows);
    }

    public String name() {
        return name;
    }

    /**
     * Forward on a batch given as rows (N × C·H·W) of images H × W.
     *
     * @return the pooled output as rows (N × FN·PH·PW, each row (f, ph, pw) row-major), owned by the block, valid until
     *         its next forward
     * @throws IllegalArgumentException naming the block when the rows are not C channels of H × W, or when the filters
     *                                  or the pool do not fit
     */
    public DMatrixRMaj forward(DMatrixRMaj x, int h, int wd) {
        if (x.numRows == 0) throw new IllegalArgumentException(name + ": empty batch");
        if (x.numCols != channels * h * wd) {
            throw new IllegalArgumentException(name + ": rows of " + x.numCols + " values are not " + channels + " channels of " + h + "x" + wd);
        }
        if (conv == null || conv.n() != x.numRows || conv.h() != h || conv.w() != wd) {
            try {
                conv = new Windows(x.numRows, channels, h, wd, fh, fw, convStride, convPad);
                pool = new Windows(x.numRows * w.numRows, 1, conv.oh(), conv.ow(), ph, pw, poolStride, poolPad);
            } catch (IllegalArgumentException e) {
                conv = null;
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
            order = tiles() ? windowOrder() : null;
        }
        int pooled = w.numRows * pool.oh() * pool.ow();
        out.reshape(x.numRows, pooled, false);
        if (route.length < x.numRows * pooled) route = new int[x.numRows * pooled];
        this.x.setTo(x);
        Parallel.forRows(x.numRows, 1, forwardTask);
        return out;
    }

    private boolean tiles() {
        return poolPad == 0 && poolStride >= ph && poolStride >= pw;
    }

    /** The window order of the map's positions (see {@link #order}). */
    private int[] windowOrder() {
        int oh = conv.oh();
        int ow = conv.ow();
        int[] result = new int[oh * ow];
        boolean[] covered = new boolean[oh * ow];
        int q = 0;
        for (int i = 0; i < ph; i++) {
            for (int j = 0; j < pw; j++) {
                for (int y = 0; y < pool.oh(); y++) {
                    for (int z = 0; z < pool.ow(); z++) {
                        int position = (y * poolStride + i) * ow + z * poolStride + j;
                        result[q++] = position;
                        covered[position] = true;
                    }
                }
            }
        }
        for (int position = 0; position < oh * ow; position++) if (!covered[position]) result[q++] = position;
        return result;
    }

    private void forwardImages(int from, int to) {
        Scratch s = scratch.get();
        int positions = conv.oh() * conv.ow();
        s.colT.reshape(conv.cols(), positions, false);
        if (order == null) {
            for (int n = from; n < to; n++) {
                conv.unfoldImage(x.data, n, 0.0, s.colT.data);
                Gemm.mult(w, false, s.colT, false, s.conv);
                pool(s.conv.data, n);
            }
            return;
        }
        int k = conv.cols();
        s.natural.reshape(k, positions, false);
        double[] natural = s.natural.data;
        double[] colT = s.colT.data;
        for (int n = from; n < to; n++) {
            conv.unfoldImage(x.data, n, 0.0, natural);
            for (int r = 0; r < k; r++) {
                for (int q = 0, at = r * positions; q < positions; q++) colT[at + q] = natural[at + order[q]];
            }
            Gemm.mult(w, false, s.colT, false, s.conv);
            poolTiled(s.conv.data, n);
        }
    }

    /**
     * Bias, relu and max pooling of image n's conv map in window order ({@link #order}): per filter, the bias is added
     * to the whole map (a loop the JIT vectorises), then the window entries, block after block, go through
     * {@link BlockMax}. Relu is monotone, so relu's first maximum is the biased map's first maximum whenever the
     * maximum is positive; otherwise no gradient flows through the window, and max(best, 0) is the same number either
     * way (NaN included: it wins only as a window's first entry, in both).
     */
    private void poolTiled(double[] map, int n) {
        int positions = conv.oh() * conv.ow();
        int windows = pool.oh() * pool.ow();
        int entries = ph * pw;
        int fn = w.numRows;
        double[] o = out.data;
        int[] am = route;
        int closed = fn * positions;
        for (int f = 0; f < fn; f++) {
            double bias = b.data[f];
            int mapBase = f * positions;
            for (int p = mapBase, end = mapBase + entries * windows; p < end; p++) map[p] += bias;
            int at = (n * fn + f) * windows;
            BlockMax.firstMax(map, mapBase, entries, windows, o, am, at);
            for (int q = 0; q < windows; q++) {
                double best = o[at + q];
                o[at + q] = Math.max(best, 0.0);
                // relu is open unless its output is <= 0 (NaN passes, as in Relu)
                am[at + q] = best <= 0 ? closed : mapBase + order[am[at + q] * windows + q];
            }
        }
    }

    /** Bias, relu and max pooling of image n's conv map into its output row, recording each window's first maximum. */
    private void pool(double[] map, int n) {
        int oh = conv.oh();
        int ow = conv.ow();
        int poh = pool.oh();
        int pow = pool.ow();
        int fn = w.numRows;
        int row = n * fn * poh * pow;
        for (int f = 0; f < fn; f++) {
            double bias = b.data[f];
            int mapBase = f * oh * ow;
            for (int y = 0; y < poh; y++) {
                for (int z = 0; z < pow; z++) {
                    // the window's entries in row-major order, the first maximum kept (strict >), as Pooling does
                    double best = 0.0;
                    int at = -1;
                    boolean first = true;
                    for (int i = 0; i < ph; i++) {
                        int yy = y * poolStride + i - poolPad;
                        for (int j = 0; j < pw; j++) {
                            int xx = z * poolStride + j - poolPad;
                            boolean inside = yy >= 0 && yy < oh && xx >= 0 && xx < ow;
                            double v = inside ? Math.max(map[mapBase + yy * ow + xx] + bias, 0.0) : Double.NEGATIVE_INFINITY;
                            if (first || v > best) {
                                best = v;
                                at = inside ? mapBase + yy * ow + xx : -1;
                                first = false;
                            }
                        }
                    }
                    int o = row + (f * poh + y) * pow + z;
                    out.data[o] = best;
                    route[o] = at < 0 || best <= 0 ? fn * oh * ow : at;
                }
            }
        }
    }

    /**
     * The sum of {@code len} values from {@code from}, in four interleaved partial sums: one running sum would wait
     * for each addition to finish before the next (a chain four times as long).
     */
    private static double sum(double[] a, int from, int len) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int p = from;
        for (int end = from + len - len % 4; p < end; p += 4) {
            s0 += a[p];
            s1 += a[p + 1];
            s2 += a[p + 2];
            s3 += a[p + 3];
        }
        for (int end = from + len; p < end; p++) s0 += a[p];
        return (s0 + s1) + (s2 + s3);
    }

    /** Backward with dout as rows (N × FN·PH·PW): dW and db into the block's buffers; returns dx as rows (N × C·H·W), block-owned. */
    public DMatrixRMaj backward(DMatrixRMaj dout) {
        backward(dout, true);
        return dx;
    }

    /** Only dW and db: for a first block, whose input gradient nobody needs. */
    public void backwardParameters(DMatrixRMaj dout) {
        backward(dout, false);
    }

    private void backward(DMatrixRMaj dout, boolean wantDx) {
        if (conv == null) throw new IllegalStateException(name + ".backward called before forward");
        LayerChecks.requireSameShape(name, "dout", dout, out.numRows, out.numCols);
        int images = out.numRows;
        int fn = w.numRows;
        int k = w.numCols;
        if (dWParts.length < images * fn * k) dWParts = new double[images * fn * k];
        if (dbParts.length < images * fn) dbParts = new double[images * fn];
        if (wantDx) dx.reshape(images, channels * conv.h() * conv.w(), false);
        this.dout = dout;
        this.wantDx = wantDx;
        try {
            Parallel.forRows(images, 1, backwardTask);
        } finally {
            this.dout = null;
        }
        java.util.Arrays.fill(dW.data, 0, fn * k, 0.0);
        java.util.Arrays.fill(db.data, 0, fn, 0.0);
        for (int n = 0; n < images; n++) {
            for (int i = 0, at = n * fn * k; i < fn * k; i++) dW.data[i] += dWParts[at + i];
            for (int f = 0, at = n * fn; f < fn; f++) db.data[f] += dbParts[at + f];
        }
    }

    private void backwardImages(int from, int to) {
        Scratch s = scratch.get();
        int positions = conv.oh() * conv.ow();
        int fn = w.numRows;
        int k = w.numCols;
        int pooled = out.numCols;
        s.colT.reshape(k, positions, false);
        s.dconv.reshape(fn, positions, false);
        // one slot past the map takes the gradients relu stops (see route)
        if (s.dconv.data.length <= fn * positions) s.dconv.data = java.util.Arrays.copyOf(s.dconv.data, fn * positions + 1);
        double[] dconv = s.dconv.data;
        double[] d = dout.data;
        for (int n = from; n < to; n++) {
            java.util.Arrays.fill(dconv, 0, fn * positions, 0.0);
            for (int o = 0, at = n * pooled; o < pooled; o++, at++) dconv[route[at]] += d[at];
            for (int f = 0; f < fn; f++) dbParts[n * fn + f] = sum(dconv, f * positions, positions);
            conv.unfoldImage(x.data, n, 0.0, s.colT.data);
            Gemm.mult(s.dconv, false, s.colT, true, s.dWPart);
            System.arraycopy(s.dWPart.data, 0, dWParts, n * fn * k, fn * k);
            if (wantDx) {
                Gemm.mult(w, true, s.dconv, false, s.dcolT);
                conv.foldImage(s.dcolT.data, n, dx.data);
            }
        }
    }

    /** ∂L/∂W of the last backward (FN × C·FH·FW); the same buffer every time. */
    public DMatrixRMaj dW() {
        return dW;
    }

    /** ∂L/∂b of the last backward (1 × FN); the same buffer every time. */
    public DMatrixRMaj db() {
        return db;
    }

    /** Pooled output height and width of the last forward. */
    public int outHeight() {
        return pool.oh();
    }

    public int outWidth() {
        return pool.ow();
    }
}
