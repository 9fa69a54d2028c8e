package io.github.tapegrad.engine.tensor;

/**
 * Loops over raw row-major {@code double[]} storage. Inputs come first, the output last; the output may be
 * one of the inputs only where a method says so. The operation is chosen by a {@code switch} outside each
 * loop so that the loops themselves stay monomorphic and vectorisable.
 */
final class Kernels {
    private Kernels() {}

    enum Unary { NEG, EXP, LOG, LOG1P, SQRT, TANH, ABS }

    enum Binary { ADD, SUB, MUL, DIV, MIN, MAX }

    /** out[i] = f(a[i]) for i in [0, n). */
    static void unary(Unary f, double[] a, int n, double[] out) {
        switch (f) {
            case NEG -> { for (int i = 0; i < n; i++) out[i] = -a[i]; }
            case EXP -> { for (int i = 0; i < n; i++) out[i] = Math.exp(a[i]); }
            case LOG -> { for (int i = 0; i < n; i++) out[i] = Math.log(a[i]); }
            case LOG1P -> { for (int i = 0; i < n; i++) out[i] = Math.log1p(a[i]); }
            case SQRT -> { for (int i = 0; i < n; i++) out[i] = Math.sqrt(a[i]); }
            case TANH -> { for (int i = 0; i < n; i++) out[i] = Math.tanh(a[i]); }
            case ABS -> { for (int i = 0; i < n; i++) out[i] = Math.abs(a[i]); }
        }
    }

    /** out[i] = a[i] op b[i] for i in [0, n); all three have n elements. */
    static void binary(Binary op, double[] a, double[] b, int n, double[] out) {
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) out[i] = a[i] + b[i]; }
            case SUB -> { for (int i = 0; i < n; i++) out[i] = a[i] - b[i]; }
            case MUL -> { for (int i = 0; i < n; i++) out[i] = a[i] * b[i]; }
            case DIV -> { for (int i = 0; i < n; i++) out[i] = a[i] / b[i]; }
            // NOTE: Math.min/max propagate NaN, unlike a comparison-based select.
            case MIN -> { for (int i = 0; i < n; i++) out[i] = Math.min(a[i], b[i]); }
            case MAX -> { for (int i = 0; i < n; i++) out[i] = Math.max(a[i], b[i]); }
        }
    }

    /** out[i] = a[i]^p, with exact fast paths for the common exponents. */
    static void pow(double[] a, double p, int n, double[] out) {
        if (p == 2) {
            for (int i = 0; i < n; i++) out[i] = a[i] * a[i];
        } else if (p == 1) {
            System.arraycopy(a, 0, out, 0, n);
        } else if (p == -1) {
            for (int i = 0; i < n; i++) out[i] = 1.0 / a[i];
        } else if (p == 0.5) {
            for (int i = 0; i < n; i++) out[i] = Math.sqrt(a[i]);
        } else {
            for (int i = 0; i < n; i++) out[i] = Math.pow(a[i], p);
        }
    }

    /** out[i] = s * a[i] + c. */
    static void affine(double[] a, double s, double c, int n, double[] out) {
        for (int i = 0; i < n; i++) out[i] = s * a[i] + c;
    }

    /** out[i] = mask[i] != 0 ? a[i] : b[i]. NaN in the mask counts as nonzero. */
    static void select(double[] mask, double[] a, double[] b, int n, double[] out) {
        for (int i = 0; i < n; i++) out[i] = mask[i] != 0 ? a[i] : b[i];
    }

    /**
     * Sum over the middle index of a (outer, mid, inner) view: out[o, i] = Σ_m a[o, m, i].
     * The output has outer·inner elements and is overwritten.
     */
    static void sumAxis(double[] a, int outer, int mid, int inner, double[] out) {
        java.util.Arrays.fill(out, 0, outer * inner, 0.0);
        for (int o = 0; o < outer; o++) {
            int base = o * mid * inner;
            int ob = o * inner;
            for (int m = 0; m < mid; m++) {
                int row = base + m * inner;
                for (int i = 0; i < inner; i++) out[ob + i] += a[row + i];
            }
        }
    }

    /**
     * Max over the middle index of a (outer, mid, inner) view, and the first index that attains it.
     * NaN wins, so a NaN anywhere in a slice is propagated rather than skipped. {@code argOut} may be null.
     */
    static void maxAxis(double[] a, int outer, int mid, int inner, double[] out, int[] argOut) {
        for (int o = 0; o < outer; o++) {
            int base = o * mid * inner;
            for (int i = 0; i < inner; i++) {
                double best = a[base + i];
                int arg = 0;
                for (int m = 1; m < mid && !Double.isNaN(best); m++) {
                    double v = a[base + m * inner + i];
                    if (v > best || Double.isNaN(v)) {
                        best = v;
                        arg = m;
                    }
                }
                out[o * inner + i] = best;
                if (argOut != null) argOut[o * inner + i] = arg;
            }
        }
    }

    /**
     * Copies {@code in} (shape {@code inShape}, right-aligned against {@code outShape}) into {@code out},
     * repeating it along every dimension where the input has size 1.
     */
    static void broadcast(double[] in, int[] inShape, int[] outShape, double[] out) {
        int rank = outShape.length;
        int[] inStrides = new int[rank];
        int[] full = Shapes.strides(inShape);
        int offset = rank - inShape.length;
        for (int i = 0; i < inShape.length; i++) {
            inStrides[i + offset] = inShape[i] == 1 ? 0 : full[i];
        }
        if (Shapes.size(outShape) == 0) return;
        if (rank == 0) {
            out[0] = in[0];
            return;
        }
        broadcastDim(in, 0, inStrides, outShape, out, 0, 0);
    }

    private static int broadcastDim(double[] in, int inOff, int[] inStrides, int[] outShape, double[] out,
                                    int outOff, int dim) {
        int n = outShape[dim];
        int s = inStrides[dim];
        if (dim == outShape.length - 1) {
            if (s == 0) {
                java.util.Arrays.fill(out, outOff, outOff + n, in[inOff]);
            } else {
                System.arraycopy(in, inOff, out, outOff, n);
            }
            return outOff + n;
        }
        for (int k = 0; k < n; k++) {
            outOff = broadcastDim(in, inOff + k * s, inStrides, outShape, out, outOff, dim + 1);
        }
        return outOff;
    }
}
