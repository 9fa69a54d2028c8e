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

    public String name() {
        return name;
    }

    /** Forward on an (N, C, H, W) batch; returns (N, FN, OH, OW), a fresh tensor. */
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.dim(1) != wShape[1]) {
            throw new IllegalArgumentException(name + ": x must be (N, " + wShape[1] + ", H, W) for filters " + Shapes.format(wShape)
                    + ", got " + Shapes.format(x.shape()));
        }
        windows = Windows.of(name, x.shape(), wShape[2], wShape[3], stride, pad);
        col.reshape(windows.rows(), windows.cols(), false);
        windows.unfold(RawStorage.read(x).data, 0.0, col.data);
        Gemm.mult(col, false, w, true, rows);
        int fn = w.numRows;
        for (int r = 0; r < rows.numRows; r++) {
            for (int f = 0; f < fn; f++) rows.data[r * fn + f] += b.data[f];
        }
        return Tensor.of(channelsFirst(rows, windows.n(), windows.oh() * windows.ow()), windows.n(), fn, windows.oh(), windows.ow());
    }

    /** Backward with dout of the output's shape; returns dx of the input's shape (fresh) and leaves dW, db in the layer. */
    public Tensor backward(Tensor dout) {
        backwardParameters(dout);
        Gemm.mult(doutRows, false, w, false, dcol);
        double[] dx = new double[windows.n() * windows.c() * windows.h() * windows.w()];
        windows.fold(dcol.data, dx);
        return Tensor.of(dx, windows.inputShape());
    }

    /** Only dW and db, for a first layer whose input gradient nobody needs. */
    public void backwardParameters(Tensor dout) {
        if (windows == null) throw new IllegalStateException(name + ".backward called before forward");
        int fn = w.numRows;
        int positions = windows.oh() * windows.ow();
        int[] expected = {windows.n(), fn, windows.oh(), windows.ow()};
        if (!java.util.Arrays.equals(dout.shape(), expected)) {
            throw new IllegalArgumentException(name + ": dout has shape " + Shapes.format(dout.shape()) + ", expected " + Shapes.format(expected));
        }
        doutRows.reshape(windows.rows(), fn, false);
        double[] d = RawStorage.read(dout).data;
        for (int n = 0; n < windows.n(); n++) {
            for (int f = 0; f < fn; f++) {
                for (int p = 0; p < positions; p++) doutRows.data[(n * positions + p) * fn + f] = d[(n * fn + f) * positions + p];
            }
        }
        CommonOps_DDRM.sumCols(doutRows, db);
        Gemm.mult(doutRows, true, col, false, dW);
    }

    /** ∂L/∂W of the last backward, (FN, C, FH, FW); a fresh tensor. */
    public Tensor dW() {
        return Tensor.fromMatrix(dW).reshape(wShape);
    }

    /** ∂L/∂b of the last backward, (FN); a fresh tensor. */
    public Tensor db() {
        return Tensor.fromMatrix(db).reshape(w.numRows);
    }

    /** (N·P × F) rows to (N, F, P) row-major values. */
    private static double[] channelsFirst(DMatrixRMaj rows, int n, int positions) {
        int f = rows.numCols;
        double[] out = new double[n * f * positions];
        for (int b = 0; b < n; b++) {
            for (int c = 0; c < f; c++) {
                for (int p = 0; p < positions; p++) out[(b * f + c) * positions + p] = rows.data[(b * positions + p) * f + c];
            }
        }
        return out;
    }
}
