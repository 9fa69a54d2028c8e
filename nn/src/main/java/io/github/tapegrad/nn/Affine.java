package io.github.tapegrad.nn;

import io.github.tapegrad.engine.tensor.Gemm;
import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Tensor;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The book's Affine layer: out = x·W + b (b added to every row).
 * Backward: dx = dout·Wᵀ, dW = xᵀ·dout, db = column sums of dout. No transpose is built.
 *
 * <p>W (D×M) and b (1×M) are the layer's parameters, held by reference as the book's layers share their
 * parameters with the network: an optimizer updates them in place after backward. {@link #dW()} and
 * {@link #db()} are overwritten (not accumulated) by each backward. A Tensor input of rank &gt; 2 is flattened
 * to (N, D) and dx comes back in the input's shape, as in the book.
 */
public final class Affine implements Layer {
    private final String name;
    private final DMatrixRMaj w;
    private final DMatrixRMaj b;
    private final DMatrixRMaj out = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dx = new DMatrixRMaj(1, 1);
    private DMatrixRMaj dW;
    private DMatrixRMaj db;
    private DMatrixRMaj x;
    private int[] originalShape;

    /**
     * An Affine layer over the given parameters (not copied: the layer and the caller share them).
     *
     * @param w weights, D×M. Shared.
     * @param b bias, 1×M. Shared.
     */
    public Affine(String name, DMatrixRMaj w, DMatrixRMaj b) {
        this.name = name;
        if (b.numRows != 1 || b.numCols != w.numCols) {
            throw new IllegalArgumentException("Affine '" + name + "': b has shape " + LayerChecks.shape(b)
                    + " but W " + LayerChecks.shape(w) + " needs a bias of shape (1x" + w.numCols + ")");
        }
        this.w = w;
        this.b = b;
    }

    /** An Affine layer with copies of W (D×M) and b (shape (M) or (1×M)). */
    public Affine(String name, Tensor w, Tensor b) {
        this(name, checkedW(name, w), bias(name, b));
    }

    private static DMatrixRMaj checkedW(String name, Tensor w) {
        if (w.rank() != 2) throw new IllegalArgumentException("Affine '" + name + "': W must be rank 2, got " + Shapes.format(w.shape()));
        return w.toMatrix();
    }

    private static DMatrixRMaj bias(String name, Tensor b) {
        if (b.rank() == 1) return b.reshape(1, -1).toMatrix();
        if (b.rank() == 2 && b.dim(0) == 1) return b.toMatrix();
        throw new IllegalArgumentException("Affine '" + name + "': b must have shape (M) or (1xM), got " + Shapes.format(b.shape()));
    }

    @Override
    public String name() {
        return name;
    }

    /** The weights, live: modifying them changes the layer. */
    public DMatrixRMaj W() {
        return w;
    }

    /** The bias (1×M), live: modifying it changes the layer. */
    public DMatrixRMaj b() {
        return b;
    }

    /** ∂L/∂W from the last backward (zeros before any); the same buffer every time, overwritten by each backward. */
    public DMatrixRMaj dW() {
        if (dW == null) dW = new DMatrixRMaj(w.numRows, w.numCols);
        return dW;
    }

    /** ∂L/∂b (1×M) from the last backward (zeros before any); the same buffer every time, overwritten by each backward. */
    public DMatrixRMaj db() {
        if (db == null) db = new DMatrixRMaj(1, w.numCols);
        return db;
    }

    @Override
    public DMatrixRMaj forward(DMatrixRMaj x) {
        if (x.numCols != w.numRows) {
            throw new IllegalArgumentException("Affine '" + name + "': cannot multiply x " + LayerChecks.shape(x) + " by W "
                    + LayerChecks.shape(w) + ": x.cols=" + x.numCols + " != W.rows=" + w.numRows);
        }
        this.x = x;
        Gemm.mult(x, false, w, false, out);
        double[] o = out.data;
        double[] bias = b.data;
        int m = out.numCols;
        for (int r = 0, base = 0; r < out.numRows; r++, base += m) {
            for (int j = 0; j < m; j++) o[base + j] += bias[j];
        }
        return out;
    }

    @Override
    public DMatrixRMaj backward(DMatrixRMaj dout) {
        backwardParameters(dout, dW(), db());
        return backwardInput(dout, dx);
    }

    /**
     * Computes only dx = dout·Wᵀ, into the caller's buffer: for callers that handle dW and db themselves.
     *
     * @param dout gradient with respect to the output. Not modified.
     * @param dxOut reshaped to x's shape (N×D). Modified.
     * @return {@code dxOut}
     */
    public DMatrixRMaj backwardInput(DMatrixRMaj dout, DMatrixRMaj dxOut) {
        LayerChecks.requireForward(name, x);
        LayerChecks.requireSameShape(name, "dout", dout, x.numRows, w.numCols);
        Gemm.mult(dout, false, w, true, dxOut);
        return dxOut;
    }

    /**
     * Computes only dW = xᵀ·dout and db = column sums of dout, into the caller's buffers (the layer's own are
     * {@link #dW()} and {@link #db()}): for a first layer whose input gradient nobody needs.
     *
     * @param dout gradient with respect to the output. Not modified.
     * @param dWOut reshaped to W's shape. Modified.
     * @param dbOut reshaped to 1×M. Modified.
     */
    public void backwardParameters(DMatrixRMaj dout, DMatrixRMaj dWOut, DMatrixRMaj dbOut) {
        LayerChecks.requireForward(name, x);
        LayerChecks.requireSameShape(name, "dout", dout, x.numRows, w.numCols);
        Gemm.mult(x, true, dout, false, dWOut);
        CommonOps_DDRM.sumCols(dout, dbOut);   // reshapes dbOut to 1×M
    }

    @Override
    public Tensor forward(Tensor x) {
        originalShape = x.shape();
        DMatrixRMaj rows = MatrixViews.rowsOf(name, x);
        DMatrixRMaj o = forward(rows);
        return MatrixViews.toTensor(o, new int[] {o.numRows, o.numCols});
    }

    @Override
    public Tensor backward(Tensor dout) {
        DMatrixRMaj d = backward(MatrixViews.rowsOf(name, dout));
        return MatrixViews.toTensor(d, originalShape != null && originalShape.length != 2 ? originalShape : new int[] {d.numRows, d.numCols});
    }
}
