package io.github.tapegrad.nn;

import org.ejml.data.DMatrixRMaj;

/**
 * The book's Relu layer: out = x where x &gt; 0, else 0.
 *
 * <p>Differences from the book: backward writes into a buffer of its own instead of modifying {@code dout};
 * NaN is not ≤ 0, so Relu(NaN) is NaN (never a silent 0). The subgradient at 0 (and −0) is 0, as the book's
 * {@code mask = (x <= 0)} gives.
 */
public final class Relu implements Layer {
    private final String name;
    private boolean[] mask;          // true where x <= 0
    private final DMatrixRMaj out = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dx = new DMatrixRMaj(1, 1);

    public Relu() {
        this("Relu");
    }

    public Relu(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DMatrixRMaj forward(DMatrixRMaj x) {
        int n = x.getNumElements();
        if (mask == null || mask.length < n) mask = new boolean[n];
        out.reshape(x.numRows, x.numCols);
        double[] in = x.data;
        double[] o = out.data;
        for (int i = 0; i < n; i++) {
            boolean off = in[i] <= 0;
            mask[i] = off;
            o[i] = off ? 0.0 : in[i];
        }
        return out;
    }

    @Override
    public DMatrixRMaj backward(DMatrixRMaj dout) {
        return backward(dout, dx);
    }

    @Override
    public DMatrixRMaj backward(DMatrixRMaj dout, DMatrixRMaj dx) {
        Buffers.requireForward(name, mask);
        Buffers.requireSameShape(name, "dout", dout, out.numRows, out.numCols);
        dx.reshape(dout.numRows, dout.numCols);
        double[] g = dout.data;
        double[] d = dx.data;
        for (int i = 0, n = dout.getNumElements(); i < n; i++) d[i] = mask[i] ? 0.0 : g[i];
        return dx;
    }
}
