package io.github.tapegrad.nn;

import io.github.tapegrad.engine.tensor.RawStorage;
import io.github.tapegrad.engine.tensor.Targets;
import io.github.tapegrad.engine.tensor.Tensor;
import org.ejml.data.DMatrixRMaj;

/**
 * The book's SoftmaxWithLoss layer: softmax over each row of the scores x, then the mean cross-entropy
 * against targets t given as one-hot rows or as class indices.
 *
 * <p>Differences from the book, for exactness:
 * <ul>
 *   <li>Each sample's loss is logsumexp(xᵢ) − xᵢ[tᵢ] with each row's own maximum subtracted, not
 *       −log(yᵢ[tᵢ] + 1e-7). The book's +1e-7 caps the loss at 16.1 and makes (y − t)/N disagree with the
 *       numerical gradient of its own forward once yᵢ[tᵢ] &lt; 1e-7; this form is exact and ≥ 0, and
 *       (y − t)/N is exactly its gradient.</li>
 *   <li>backward(dout) returns dout·(y − t)/N: the book ignores dout.</li>
 *   <li>Bad input is rejected with the row and value: labels outside [0, C), rows that are not one-hot,
 *       an empty batch, mismatched batch sizes, NaN or ±Inf scores.</li>
 * </ul>
 */
public final class SoftmaxWithLoss {
    private final String name;
    private final DMatrixRMaj y = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dx = new DMatrixRMaj(1, 1);
    private int[] labels = new int[0];
    private boolean forwardDone;
    private double loss;

    public SoftmaxWithLoss() {
        this("SoftmaxWithLoss");
    }

    public SoftmaxWithLoss(String name) {
        this.name = name;
    }

    /** The layer's name, for messages. */
    public String name() {
        return name;
    }

    /** The loss of the last forward. */
    public double loss() {
        return loss;
    }

    /** softmax(x) of the last forward (N×C); owned by the layer, valid until its next forward. */
    public DMatrixRMaj y() {
        return y;
    }

    /** Labels of the last forward, one per row; owned by the layer, valid until its next forward. */
    public int[] labels() {
        return labels;
    }

    /**
     * Forward with one-hot targets (N×C): every row must hold C−1 zeros and a single 1.
     *
     * @return the mean loss over the N rows
     */
    public double forward(DMatrixRMaj x, DMatrixRMaj t) {
        if (t.numRows != x.numRows) {
            throw new IllegalArgumentException(name + ": Expected input batch size (" + x.numRows
                    + ") to match target batch size (" + t.numRows + ")");
        }
        if (t.numCols != x.numCols) {
            throw new IllegalArgumentException(name + ": x has shape " + LayerChecks.shape(x) + " but t has shape " + LayerChecks.shape(t));
        }
        int[] idx = labelBuffer(t.numRows);
        Targets.oneHotIndices(name, t.data, t.numRows, t.numCols, idx);
        return forwardLabels(x, idx, t.numRows);
    }

    /**
     * Forward with class-index labels, one per row of x, each in [0, C).
     *
     * @return the mean loss over the N rows
     */
    public double forward(DMatrixRMaj x, int[] t) {
        if (t.length != x.numRows) {
            throw new IllegalArgumentException(name + ": Expected input batch size (" + x.numRows
                    + ") to match target batch size (" + t.length + ")");
        }
        int[] idx = labelBuffer(t.length);
        for (int i = 0; i < t.length; i++) {
            if (t[i] < 0 || t[i] >= x.numCols) {
                throw new IllegalArgumentException(name + ": label " + t[i] + " at row " + i + " out of range [0, " + x.numCols + ")");
            }
            idx[i] = t[i];
        }
        return forwardLabels(x, idx, t.length);
    }

    /** {@link #forward(DMatrixRMaj, DMatrixRMaj)} on tensors (t one-hot, same shape as x). */
    public double forward(Tensor x, Tensor t) {
        return forward(MatrixViews.rowsOf(name, x), t.rank() == 1 ? t.reshape(1, -1).toMatrix() : MatrixViews.rowsOf(name, t));
    }

    /** {@link #forward(DMatrixRMaj, int[])} on a tensor of scores. */
    public double forward(Tensor x, int[] t) {
        return forward(MatrixViews.rowsOf(name, x), t);
    }

    private int[] labelBuffer(int n) {
        if (labels.length != n) labels = new int[n];
        return labels;
    }

    private double forwardLabels(DMatrixRMaj x, int[] t, int n) {
        LayerChecks.requireNonEmpty(name, x);
        if (x.numCols == 0) throw new IllegalArgumentException(name + ": x has no classes " + LayerChecks.shape(x));
        int c = x.numCols;
        y.reshape(n, c);
        double total = 0;
        double[] xs = x.data;
        double[] ys = y.data;
        for (int i = 0, base = 0; i < n; i++, base += c) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                double v = xs[base + j];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(name + ": score " + v + " at row " + i + ", column " + j
                            + " is not finite; softmax needs finite scores");
                }
                if (v > max) max = v;
            }
            double sum = 0;
            for (int j = 0; j < c; j++) {
                double e = Math.exp(xs[base + j] - max);
                ys[base + j] = e;
                sum += e;
            }
            double inv = 1.0 / sum;
            for (int j = 0; j < c; j++) ys[base + j] *= inv;
            total += max + Math.log(sum) - xs[base + t[i]];
        }
        loss = total / n;
        forwardDone = true;
        return loss;
    }

    /**
     * dx = dout·(y − t)/N for the last forward.
     *
     * @return dx, owned by the layer, valid until its next backward
     */
    public DMatrixRMaj backward(double dout) {
        return backward(dout, dx);
    }

    /**
     * dx = dout·(y − t)/N for the last forward, into the caller's buffer.
     *
     * @param dxOut reshaped to N×C. Modified.
     * @return {@code dxOut}
     */
    public DMatrixRMaj backward(double dout, DMatrixRMaj dxOut) {
        LayerChecks.requireForward(name, forwardDone ? y : null);
        int n = y.numRows;
        int c = y.numCols;
        dxOut.reshape(n, c);
        double scale = dout / n;
        for (int i = 0, base = 0; i < n; i++, base += c) {
            for (int j = 0; j < c; j++) dxOut.data[base + j] = scale * y.data[base + j];
            dxOut.data[base + labels[i]] -= scale;
        }
        return dxOut;
    }

    /** backward(1), as the book's default. */
    public DMatrixRMaj backward() {
        return backward(1.0);
    }

    /** {@link #backward(double)} as a fresh tensor. */
    public Tensor backwardTensor(double dout) {
        return RawStorage.adopt(backward(dout, new DMatrixRMaj(1, 1)));
    }
}
