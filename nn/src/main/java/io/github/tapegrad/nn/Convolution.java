package io.github.tapegrad.nn;

import io.github.tapegrad.engine.tensor.Gemm;
import io.github.tapegrad.engine.tensor.RawStorage;
import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.engine.tensor.Windows;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The book's Convolution layer (chapter 7) on NCHW tensors, by im2col: with col the unfolded input
 * (N·OH·OW × C·FH·FW) and W as an FN × C·FH·FW matrix, out = col·Wᵀ + b, laid out as (N, FN, OH, OW).
 * Backward: with dout as rows (N·OH·OW × FN), db = column sums, dW = doutᵀ·col, dcol = dout·W and dx = col2im(dcol).
 * No transpose is built; buffers are reused from call to call. W (FN, C, FH, FW) and b (FN) are copied.
 */
public final class Convolution {
    private final String name;
    private final int[] wShape;
    private final DMatrixRMaj w;
    private final DMatrixRMaj b;
    private final int stride;
    private final int pad;
    private final DMatrixRMaj col = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj rows = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj doutRows = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dcol = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj out = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dxRows = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dW;
    private final DMatrixRMaj db;
    private Windows windows;

    /**
     * @param w      filters (FN, C, FH, FW)
     * @param b      biases (FN)
     * @param stride the windows' step, at least 1
     * @param pad    zeros added on every side, at least 0
     */
    public Convolution(String name, Tensor w, Tensor b, int stride, int pad) {
        this.name = name;
        if (w.rank() != 4) throw new IllegalArgumentException(name + ": W must be (FN, C, FH, FW), got " + Shapes.format(w.shape()));
        this.wShape = w.shape();
        int fn = wShape[0];
        if (b.size() != fn || b.rank() > 2) {
            throw new IllegalArgumentException(name + ": b must hold one bias per filter (" + fn + "), got " + Shapes.format(b.shape()));
        }
        if (stride < 1 || pad < 0) throw new IllegalArgumentException(name + ": stride must be >= 1 and pad >= 0, got " + stride + " and " + pad);
        this.w = w.reshape(fn, -1).toMatrix();
        this.b = b.reshape(1, fn).toMatrix();
        this.stride = stride;
        this.pad = pad;
        this.dW = new DMatrixRMaj(this.w.numRows, this.w.numCols);
        this.db = new DMatrixRMaj(1, fn);
    }

    /**
     * A layer over the caller's parameters, held by reference as the book's layers share theirs with the network (an
     * optimizer updates them in place after backward).
     *
     * @param w filters as an FN × C·FH·FW matrix (the book's (FN, C, FH, FW) array, row-major). Shared.
     * @param b biases, 1 × FN. Shared.
     */
    public Convolution(String name, DMatrixRMaj w, DMatrixRMaj b, int channels, int fh, int fw, int stride, int pad) {
        this.name = name;
        if (w.numCols != channels * fh * fw || b.numRows != 1 || b.numCols != w.numRows) {
            throw new IllegalArgumentException(name + ": W (" + w.numRows + "x" + w.numCols + ") and b (" + b.numRows + "x" + b.numCols
                    + ") do not fit " + w.numRows + " filters of " + channels + "x" + fh + "x" + fw);
        }
        if (stride < 1 || pad < 0) throw new IllegalArgumentException(name + ": stride must be >= 1 and pad >= 0, got " + stride + " and " + pad);
        this.wShape = new int[] {w.numRows, channels, fh, fw};
        this.w = w;
        this.b = b;
        this.stride = stride;
        this.pad = pad;
        this.dW = new DMatrixRMaj(w.numRows, w.numCols);
        this.db = new DMatrixRMaj(1, w.numRows);
    }

    public String name() {
        return name;
    }

    /** The filters' shape (FN, C, FH, FW); a fresh array. */
    public int[] filterShape() {
        return wShape.clone();
    }

    public int stride() {
        return stride;
    }

    public int pad() {
        return pad;
    }

    /**
     * Forward on a batch given as rows (N × C·H·W, each row an image's channels row-major) of images H × W.
     *
     * @return the output as rows (N × FN·OH·OW), owned by the layer, valid until its next forward
     */
    public DMatrixRMaj forward(DMatrixRMaj x, int h, int w) {
        if (x.numCols != wShape[1] * h * w) {
            throw new IllegalArgumentException(name + ": rows of " + x.numCols + " values are not " + wShape[1] + " channels of " + h + "x" + w);
        }
        windows = Windows.of(name, new int[] {x.numRows, wShape[1], h, w}, wShape[2], wShape[3], stride, pad);
        col.reshape(windows.rows(), windows.cols(), false);
        windows.unfold(x.data, 0.0, col.data);
        Gemm.mult(col, false, this.w, true, rows);
        int fn = this.w.numRows;
        for (int r = 0; r < rows.numRows; r++) {
            for (int f = 0; f < fn; f++) rows.data[r * fn + f] += b.data[f];
        }
        int positions = windows.oh() * windows.ow();
        out.reshape(windows.n(), fn * positions, false);
        for (int n = 0; n < windows.n(); n++) {
            for (int f = 0; f < fn; f++) {
                for (int p = 0; p < positions; p++) out.data[(n * fn + f) * positions + p] = rows.data[(n * positions + p) * fn + f];
            }
        }
        return out;
    }

    /** Output height and width of the last forward. */
    public int outHeight() {
        return windows.oh();
    }

    public int outWidth() {
        return windows.ow();
    }

    /** Backward with dout as rows (N × FN·OH·OW): dW and db into the layer's buffers, dx as rows (N × C·H·W), layer-owned. */
    public DMatrixRMaj backward(DMatrixRMaj dout) {
        backwardParameters(dout);
        Gemm.mult(doutRows, false, w, false, dcol);
        dxRows.reshape(windows.n(), windows.c() * windows.h() * windows.w(), false);
        windows.fold(dcol.data, dxRows.data);
        return dxRows;
    }

    /** Only dW and db from dout as rows (N × FN·OH·OW): for a first layer, whose input gradient nobody needs. */
    public void backwardParameters(DMatrixRMaj dout) {
        if (windows == null) throw new IllegalStateException(name + ".backward called before forward");
        int fn = w.numRows;
        int positions = windows.oh() * windows.ow();
        if (dout.numRows != windows.n() || dout.numCols != fn * positions) {
            throw new IllegalArgumentException(name + ": dout has shape (" + dout.numRows + "x" + dout.numCols + "), expected ("
                    + windows.n() + "x" + fn * positions + ")");
        }
        doutRows.reshape(windows.rows(), fn, false);
        double[] d = dout.data;
        for (int n = 0; n < windows.n(); n++) {
            for (int f = 0; f < fn; f++) {
                for (int p = 0; p < positions; p++) doutRows.data[(n * positions + p) * fn + f] = d[(n * fn + f) * positions + p];
            }
        }
        CommonOps_DDRM.sumCols(doutRows, db);
        Gemm.mult(doutRows, true, col, false, dW);
    }

    /** The filters, live (FN × C·FH·FW). */
    public DMatrixRMaj W() {
        return w;
    }

    /** The biases, live (1 × FN). */
    public DMatrixRMaj b() {
        return b;
    }

    /** ∂L/∂W of the last backward (FN × C·FH·FW); the same buffer every time. */
    public DMatrixRMaj dWMatrix() {
        return dW;
    }

    /** ∂L/∂b of the last backward (1 × FN); the same buffer every time. */
    public DMatrixRMaj dbMatrix() {
        return db;
    }

    /** Forward on an (N, C, H, W) batch; returns (N, FN, OH, OW), a fresh tensor. */
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.dim(1) != wShape[1]) {
            throw new IllegalArgumentException(name + ": x must be (N, " + wShape[1] + ", H, W) for filters " + Shapes.format(wShape)
                    + ", got " + Shapes.format(x.shape()));
        }
        Windows.of(name, x.shape(), wShape[2], wShape[3], stride, pad);
        int[] s = x.shape();
        DMatrixRMaj o = forward(RawStorage.read(x.reshape(s[0], -1)), s[2], s[3]);
        return Tensor.of(java.util.Arrays.copyOf(o.data, o.getNumElements()), windows.n(), w.numRows, windows.oh(), windows.ow());
    }

    /** Backward with dout of the output's shape; returns dx of the input's shape (fresh) and leaves dW, db in the layer. */
    public Tensor backward(Tensor dout) {
        checkDout(dout);
        DMatrixRMaj dx = backward(RawStorage.read(dout.reshape(dout.dim(0), -1)));
        return Tensor.of(java.util.Arrays.copyOf(dx.data, dx.getNumElements()), windows.inputShape());
    }

    /** Only dW and db, for a first layer whose input gradient nobody needs. */
    public void backwardParameters(Tensor dout) {
        checkDout(dout);
        backwardParameters(RawStorage.read(dout.reshape(dout.dim(0), -1)));
    }

    private void checkDout(Tensor dout) {
        if (windows == null) throw new IllegalStateException(name + ".backward called before forward");
        int[] expected = {windows.n(), w.numRows, windows.oh(), windows.ow()};
        if (!java.util.Arrays.equals(dout.shape(), expected)) {
            throw new IllegalArgumentException(name + ": dout has shape " + Shapes.format(dout.shape()) + ", expected " + Shapes.format(expected));
        }
    }

    /** ∂L/∂W of the last backward, (FN, C, FH, FW); a fresh tensor. */
    public Tensor dW() {
        return Tensor.fromMatrix(dW).reshape(wShape);
    }

    /** ∂L/∂b of the last backward, (FN); a fresh tensor. */
    public Tensor db() {
        return Tensor.fromMatrix(db).reshape(w.numRows);
    }
}
