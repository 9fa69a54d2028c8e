package io.github.tapegrad.engine.tensor;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * General matrix products {@code out = op(a)·op(b)} where {@code op} is the identity or the transpose.
 * Transposes are never built: EJML's {@code multTransA}, {@code multTransB} and {@code multTransAB} read
 * the operands in place. This is the single entry point for matrix products in tapegrad, so a faster kernel
 * can be dropped in behind it.
 */
public final class Gemm {
    private Gemm() {}

    /**
     * {@code out = op(a)·op(b)}.
     *
     * @param a      left operand. Not modified.
     * @param transA whether to use aᵀ
     * @param b      right operand. Not modified.
     * @param transB whether to use bᵀ
     * @param out    result; reshaped to fit. Modified. Must not be {@code a} or {@code b}.
     * @throws IllegalArgumentException naming both shapes when the inner dimensions differ
     */
    public static void mult(DMatrixRMaj a, boolean transA, DMatrixRMaj b, boolean transB, DMatrixRMaj out) {
        int m = transA ? a.numCols : a.numRows;
        int ka = transA ? a.numRows : a.numCols;
        int kb = transB ? b.numCols : b.numRows;
        int n = transB ? b.numRows : b.numCols;
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: cannot multiply (" + m + "x" + ka + ") by (" + kb + "x" + n + ")"
                    + (transA || transB ? " (operands as used, after transposition)" : ""));
        }
        if (out == a || out == b) throw new IllegalArgumentException("matmul: the output must not alias an input");
        out.reshape(m, n);
        if (ka == 0) {
            out.zero();
            return;
        }
        if (!transA && !transB) CommonOps_DDRM.mult(a, b, out);
        else if (transA && !transB) CommonOps_DDRM.multTransA(a, b, out);
        else if (!transA) CommonOps_DDRM.multTransB(a, b, out);
        else CommonOps_DDRM.multTransAB(a, b, out);
    }
}
