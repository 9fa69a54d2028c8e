package io.github.tapegrad.nn;

import io.github.tapegrad.engine.tensor.RawStorage;
import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.engine.tensor.Windows;
import org.ejml.data.DMatrixRMaj;

/**
 * The book's max Pooling layer (chapter 7) on NCHW tensors, by im2col: each channel of each example is unfolded into
 * its PH×PW windows (padding reads −∞, as in PyTorch, not the book's 0), and the output is each window's maximum.
 * Backward routes dout to the window's first maximum (row-major order, as {@code np.argmax}), zero elsewhere, and folds
 * the windows back (col2im). Buffers are reused from call to call.
 */
public final class Pooling {
    private final String name;
    private final int ph;
    private final int pw;
    private final int stride;
    private final int pad;
    private final DMatrixRMaj col = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj out = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dx = new DMatrixRMaj(1, 1);
    private int[] argmax = new int[0];
    private Windows windows;
    private int[] inputShape;

    public Pooling(String name, int ph, int pw, int stride, int pad) {
        if (ph < 1 || pw < 1 || stride < 1 || pad < 0) {
            throw new IllegalArgumentException(name + ": pool " + ph + "x" + pw + ", stride " + stride + ", pad " + pad
                    + ": sizes and stride must be >= 1, pad >= 0");
        }
        if (2 * pad > Math.min(ph, pw)) {
            throw new IllegalArgumentException(name + ": pad " + pad + " is more than half the " + ph + "x" + pw + " pool: a window"
                    + " could hold padding only");
        }
        this.name = name;
        this.ph = ph;
        this.pw = pw;
        this.stride = stride;
        this.pad = pad;
    }

    public String name() {
        return name;
    }

    /** The window's height. */
    public int poolHeight() {
        return ph;
    }

    /** The window's width. */
    public int poolWidth() {
        return pw;
    }

    public int stride() {
        return stride;
    }

    public int pad() {
        return pad;
    }

    /** Forward on an (N, C, H, W) batch; returns (N, C, OH, OW), a fresh tensor. */
    public Tensor forward(Tensor x) {
        if (x.rank() != 4) throw new IllegalArgumentException(name + ": x must be (N, C, H, W), got " + Shapes.format(x.shape()));
        int[] s = x.shape();
        DMatrixRMaj o = forward(RawStorage.read(x.reshape(s[0], -1)), s[1], s[2], s[3]);
        return Tensor.of(java.util.Arrays.copyOf(o.data, o.getNumElements()), s[0], s[1], windows.oh(), windows.ow());
    }

    /**
     * Forward on a batch given as rows (N × C·H·W) of C channels of H × W.
     *
     * @return the output as rows (N × C·OH·OW), owned by the layer, valid until its next forward
     */
    public DMatrixRMaj forward(DMatrixRMaj x, int c, int h, int w) {
        if (x.numCols != c * h * w) throw new IllegalArgumentException(name + ": rows of " + x.numCols + " values are not " + c + " channels of " + h + "x" + w);
        inputShape = new int[] {x.numRows, c, h, w};
        // channels as a batch: rows (n, c, oh, ow), the output's own order
        windows = Windows.of(name, new int[] {x.numRows * c, 1, h, w}, ph, pw, stride, pad);
        col.reshape(windows.rows(), windows.cols(), false);
        windows.unfold(x.data, Double.NEGATIVE_INFINITY, col.data);
        if (argmax.length < windows.rows()) argmax = new int[windows.rows()];
        int k = windows.cols();
        out.reshape(x.numRows, c * windows.oh() * windows.ow(), false);
        for (int r = 0; r < windows.rows(); r++) {
            int best = 0;
            for (int j = 1; j < k; j++) if (col.data[r * k + j] > col.data[r * k + best]) best = j;
            argmax[r] = best;
            out.data[r] = col.data[r * k + best];
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

    /** Backward with dout of the output's shape; returns dx of the input's shape, a fresh tensor. */
    public Tensor backward(Tensor dout) {
        if (windows == null) throw new IllegalStateException(name + ".backward called before forward");
        int[] expected = {inputShape[0], inputShape[1], windows.oh(), windows.ow()};
        if (!java.util.Arrays.equals(dout.shape(), expected)) {
            throw new IllegalArgumentException(name + ": dout has shape " + Shapes.format(dout.shape()) + ", expected " + Shapes.format(expected));
        }
        DMatrixRMaj dx = backward(RawStorage.read(dout.reshape(expected[0], -1)));
        return Tensor.of(java.util.Arrays.copyOf(dx.data, dx.getNumElements()), inputShape);
    }

    /** Backward with dout as rows (N × C·OH·OW); returns dx as rows (N × C·H·W), owned by the layer. */
    public DMatrixRMaj backward(DMatrixRMaj dout) {
        if (windows == null) throw new IllegalStateException(name + ".backward called before forward");
        if (dout.getNumElements() != windows.rows()) {
            throw new IllegalArgumentException(name + ": dout has " + dout.getNumElements() + " values, expected " + windows.rows());
        }
        int k = windows.cols();
        java.util.Arrays.fill(col.data, 0, windows.rows() * k, 0.0);
        double[] d = dout.data;
        for (int r = 0; r < windows.rows(); r++) col.data[r * k + argmax[r]] = d[r];
        dx.reshape(inputShape[0], inputShape[1] * inputShape[2] * inputShape[3], false);
        windows.fold(col.data, dx.data);
        return dx;
    }
}
