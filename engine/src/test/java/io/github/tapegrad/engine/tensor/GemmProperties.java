package io.github.tapegrad.engine.tensor;

import static io.github.tapegrad.engine.testing.TensorGens.dims;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.tapegrad.engine.testing.TensorGens;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernel against EJML's products: |Δ|ᵢⱼ ≤ 1e-12·(|A|·|B|)ᵢⱼ, the rounding bound of a length-k dot
 * product (k·ε ≤ 784·1.1e-16 ≈ 9e-14 relative to Σ|a||b|) with a margin. Shapes cover every blocking edge: rows that
 * are not multiples of the 6-row block, columns that are not multiples of a vector or a panel, k across p-blocks.
 */
class GemmProperties {

    @Test
    void vectorKernelIsTheOneInUseForTheseTests() {
        assertTrue(Gemm.vectorKernel(), "surefire runs with --add-modules jdk.incubator.vector: " + Gemm.describe());
    }

    @Test
    void vectorKernelMatchesEjml() {
        TensorGens.qt(300).forAll(dims(40), integers().between(1, 300), dims(60), longs().all()).checkAssert((m, k, n, seed) -> {
            Random r = new Random(seed);
            boolean transA = r.nextBoolean();
            boolean transB = r.nextInt(3) == 0;
            DMatrixRMaj a = random(r, transA ? k : m, transA ? m : k);
            DMatrixRMaj b = random(r, transB ? n : k, transB ? k : n);
            DMatrixRMaj fast = new DMatrixRMaj(1, 1);
            Gemm.mult(a, transA, b, transB, fast);
            DMatrixRMaj ref = new DMatrixRMaj(m, n);
            multiply(a, transA, b, transB, ref);
            DMatrixRMaj absA = a.copy();
            DMatrixRMaj absB = b.copy();
            CommonOps_DDRM.abs(absA);
            CommonOps_DDRM.abs(absB);
            DMatrixRMaj bound = new DMatrixRMaj(m, n);
            multiply(absA, transA, absB, transB, bound);
            for (int i = 0; i < m * n; i++) {
                double d = Math.abs(fast.data[i] - ref.data[i]);
                int row = i / n;
                int col = i % n;
                assertTrue(d <= 1e-12 * bound.data[i], () -> String.format(
                        "(%dx%d)·(%dx%d) transA=%s transB=%s: at [%d, %d]: vector %.17g vs EJML %.17g, bound %.3g",
                        m, k, k, n, transA, transB, row, col, fast.data[row * n + col], ref.data[row * n + col], 1e-12 * bound.data[row * n + col]));
            }
        });
    }

    @Test
    void splittingRowsAcrossThreadsChangesNoBit() {
        Random r = new Random(11);
        DMatrixRMaj a = random(r, 137, 700);
        DMatrixRMaj b = random(r, 700, 50);
        DMatrixRMaj whole = new DMatrixRMaj(1, 1);
        Gemm.mult(a, false, b, false, whole);
        // the same rows one at a time: no split, no 6-row blocks
        for (int i = 0; i < 137; i += 17) {
            DMatrixRMaj row = CommonOps_DDRM.extract(a, i, i + 1, 0, 700);
            DMatrixRMaj one = new DMatrixRMaj(1, 1);
            Gemm.mult(row, false, b, false, one);
            double[] expected = java.util.Arrays.copyOfRange(whole.data, i * 50, i * 50 + 50);
            assertArrayEquals(expected, one.data, 0.0, "row " + i);
        }
    }

    private static void multiply(DMatrixRMaj a, boolean ta, DMatrixRMaj b, boolean tb, DMatrixRMaj out) {
        if (!ta && !tb) CommonOps_DDRM.mult(a, b, out);
        else if (ta && !tb) CommonOps_DDRM.multTransA(a, b, out);
        else if (!ta) CommonOps_DDRM.multTransB(a, b, out);
        else CommonOps_DDRM.multTransAB(a, b, out);
    }

    private static DMatrixRMaj random(Random r, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = r.nextGaussian();
        return m;
    }
}
