package io.github.tapegrad.engine.tensor;

import static io.github.tapegrad.engine.testing.TensorGens.dims;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.tapegrad.engine.testing.TensorGens;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernels against EJML's products: |Δ|ᵢⱼ ≤ 1e-12·(|A|·|B|)ᵢⱼ, the rounding bound of a length-k dot
 * product (k·ε ≤ 784·1.1e-16 ≈ 9e-14 relative to Σ|a||b|) with a margin. Shapes cover every blocking edge: rows that
 * are not multiples of the 6-row block, columns that are not multiples of a vector or a panel, k across p-blocks.
 *
 * <p>Every width-dependent shape is derived from the lane count L of the vector species in use, so the same tests
 * cover the same code paths with 2, 4 or 8 doubles per vector. The build runs this class once per vector width the
 * CPU supports ({@code -XX:MaxVectorSize=16/32/64}, each announcing the lane count it expects through
 * {@code -Dtapegrad.test.lanes}) and once without the {@code jdk.incubator.vector} module
 * ({@code -Dtapegrad.test.kernel=ejml}), where the tests that reach into the vector kernels are skipped and the rest
 * check the EJML fallback behind {@link Gemm#mult}.
 */
class GemmProperties {

    /**
     * Skips this run when it was configured for a vector width that the CPU does not have: the JVM then clamps
     * {@code MaxVectorSize} to its widest vectors, and the run would only repeat another one.
     */
    @BeforeAll
    static void runOnlyAtTheConfiguredWidth() {
        String expected = System.getProperty("tapegrad.test.lanes");
        if (expected == null || !Gemm.vectorKernel()) return;
        Assumptions.assumeTrue(VectorGemm.lanes() >= Integer.parseInt(expected), () -> "this run is for " + expected
                + " doubles per vector; the CPU offers " + VectorGemm.lanes() + ", so the run would repeat another");
    }

    private static void assumeVectorKernel() {
        Assumptions.assumeTrue(Gemm.vectorKernel(), "reaches into the Vector API kernels: " + Gemm.describe());
    }

    /** The kernel (and width) in use is the one this run was configured for: a misconfigured run must not pass. */
    @Test
    void theKernelInUseIsTheOneThisRunIsFor() {
        String kernel = System.getProperty("tapegrad.test.kernel", "vector");
        if (kernel.equals("ejml")) {
            assertTrue(!Gemm.vectorKernel(), "this run is for the EJML fallback: " + Gemm.describe());
            assertTrue(Gemm.describe().startsWith("EJML kernels: jdk.incubator.vector is not present"), Gemm.describe());
            return;
        }
        assertTrue(Gemm.vectorKernel(), "surefire runs with --add-modules jdk.incubator.vector: " + Gemm.describe());
        assertTrue(Gemm.describe().startsWith("Vector API kernel, " + VectorGemm.lanes() + " doubles per vector, "), Gemm.describe());
        String expected = System.getProperty("tapegrad.test.lanes");
        if (expected != null) assertEquals(Integer.parseInt(expected), VectorGemm.lanes(), Gemm.describe());
        System.out.println("GemmProperties: " + Gemm.describe());
    }

    /**
     * Every column count whose covering differs, derived from the lane count L: tails of 1 … L−1 columns, one vector,
     * a partial panel (L+1 … 2L−1), whole panels, the sparse-row kernel's threshold (4L) and one column either side,
     * its 4-vector and 13-vector blocks with and without an overlapping last vector; times row counts around the 6-row
     * block and step counts around the 256-step block. Against EJML within the rounding bound, and for each width the
     * sparse-row kernel takes, the sparse-row kernel against the blocked one bit for bit.
     */
    @Test
    void everyEdgeOfTheBlockingDerivedFromTheLaneCount() {
        assumeVectorKernel();
        int l = VectorGemm.lanes();
        java.util.TreeSet<Integer> widths = new java.util.TreeSet<>();
        for (int t = 1; t <= 2 * l + 1; t++) widths.add(t);
        int min = SparseRowKernel.MIN_COLUMNS;
        for (int n : new int[] {min - 1, min, min + 1, 5 * l - 1, 8 * l, 12 * l + 1, 13 * l - 1, 13 * l, 13 * l + 1, 26 * l + l - 1}) {
            widths.add(n);
        }
        assertEquals(4 * l, min, "the sparse-row kernel starts at four vectors");
        Random r = new Random(17);
        int checked = 0;
        for (int n : widths) {
            for (int m : new int[] {1, VectorGemm.MR - 1, VectorGemm.MR, VectorGemm.MR + 1, 2 * VectorGemm.MR + 1}) {
                for (int k : new int[] {1, 3, VectorGemm.KC, VectorGemm.KC + 1}) {
                    DMatrixRMaj a = random(r, m, k);
                    for (int i = 0; i < a.data.length; i++) if (r.nextInt(3) > 0) a.data[i] = 0.0;
                    DMatrixRMaj b = random(r, k, n);
                    double[] packed = new double[VectorGemm.packedSize(n, k)];
                    assertTrue(VectorGemm.packB(b.data, n, 1, n, k, packed));
                    double[] blocked = new double[m * n];
                    // a dirty output: the kernel overwrites, it never accumulates into what was there
                    java.util.Arrays.fill(blocked, Double.NaN);
                    VectorGemm.mult(a.data, k, 1, packed, blocked, n, k, 0, m, true);
                    assertMatchesEjml(String.format("L=%d blocked (%dx%d)·(%dx%d)", l, m, k, k, n), blocked, a, false, b, false);
                    double[] sparseRows = null;
                    if (n >= min) {
                        sparseRows = new double[m * n];
                        java.util.Arrays.fill(sparseRows, 7.0);
                        SparseRowKernel.mult(a.data, k, b.data, n, sparseRows, 0, m);
                    }
                    for (int i = 0; sparseRows != null && i < m * n; i++) {
                        int at = i;
                        double[] sr = sparseRows;
                        assertTrue(Double.compare(blocked[i], sr[i]) == 0, () -> String.format("L=%d (%dx%d)·(%dx%d): at"
                                + " [%d, %d]: sparse rows %.17g, blocked %.17g", l, m, k, k, n, at / n, at % n, sr[at], blocked[at]));
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked >= 20 * widths.size(), "checked " + checked);
    }

    @Test
    void productsMatchEjml() {
        TensorGens.qt(300).forAll(dims(40), integers().between(1, 300), dims(60), longs().all()).checkAssert((m, k, n, seed) -> {
            Random r = new Random(seed);
            boolean transA = r.nextBoolean();
            boolean transB = r.nextInt(3) == 0;
            DMatrixRMaj a = r.nextBoolean() ? random(r, transA ? k : m, transA ? m : k) : sparse(r, transA ? k : m, transA ? m : k, transA);
            DMatrixRMaj b = random(r, transB ? n : k, transB ? k : n);
            DMatrixRMaj fast = new DMatrixRMaj(m, n);
            // a dirty output of the right shape (reshape keeps its data): every entry must be overwritten
            java.util.Arrays.fill(fast.data, Double.NaN);
            Gemm.mult(a, transA, b, transB, fast);
            assertMatchesEjml(String.format("(%dx%d)·(%dx%d) transA=%s transB=%s", m, k, k, n, transA, transB), fast.data,
                    a, transA, b, transB);
        });
    }

    /**
     * One call over many rows, as the accuracy pass's 500-row blocks make (the other properties keep m at 40 or less):
     * up to 400 rows, the last block partial, with one to three blocks of steps; against EJML within the usual bound,
     * and with skipping against the full chain, bit for bit.
     */
    @Test
    void manyRowsInOneCallMatchEjml() {
        assumeVectorKernel();
        // 40 examples: each is up to 400×600·600×60, about 15 million multiply-adds for EJML's reference
        TensorGens.qt(40).forAll(integers().between(1, 400), integers().between(1, 600), dims(60), longs().all())
                .checkAssert((m, k, n, seed) -> {
                    Random r = new Random(seed);
                    DMatrixRMaj a = sparse(r, m, k, false);
                    DMatrixRMaj b = random(r, k, n);
                    double[] packed = new double[VectorGemm.packedSize(n, k)];
                    assertTrue(VectorGemm.packB(b.data, n, 1, n, k, packed));
                    double[] skipped = new double[m * n];
                    double[] full = new double[m * n];
                    VectorGemm.mult(a.data, k, 1, packed, skipped, n, k, 0, m, true);
                    VectorGemm.mult(a.data, k, 1, packed, full, n, k, 0, m, false);
                    for (int i = 0; i < m * n; i++) {
                        int at = i;
                        assertTrue(skipped[i] == full[i], () -> String.format("(%dx%d)·(%dx%d): at [%d, %d]: skipping %.17g,"
                                + " full chain %.17g", m, k, k, n, at / n, at % n, skipped[at], full[at]));
                    }
                    assertMatchesEjml(String.format("(%dx%d)·(%dx%d)", m, k, k, n), full, a, false, b, false);
                });
    }

    /**
     * The sparse-row kernel gives the dense kernel's bits: rows with 0–40% nonzeros (whole zero rows included), NaN and
     * ±∞ in A now and then, widths from four vectors to past two 13-vector blocks (every way a row's columns are
     * covered, with and without an overlapping last vector), k across several groups of a vector.
     */
    @Test
    void sparseRowKernelGivesTheDenseKernelsBits() {
        assumeVectorKernel();
        int minN = SparseRowKernel.MIN_COLUMNS;
        int maxN = 27 * VectorGemm.lanes() + 3;
        TensorGens.qt(300).forAll(dims(40), integers().between(1, 300), integers().between(minN, maxN), longs().all())
                .checkAssert((m, k, n, seed) -> {
                    Random r = new Random(seed);
                    DMatrixRMaj a = random(r, m, k);
                    double density = 0.4 * r.nextDouble();
                    for (int i = 0; i < a.data.length; i++) if (r.nextDouble() > density) a.data[i] = 0.0;
                    if (r.nextInt(4) == 0) a.data[r.nextInt(a.data.length)] = new double[] {Double.NaN, Double.POSITIVE_INFINITY,
                            Double.NEGATIVE_INFINITY, -0.0}[r.nextInt(4)];
                    if (r.nextBoolean()) {
                        int zeroRow = r.nextInt(m);
                        java.util.Arrays.fill(a.data, zeroRow * k, zeroRow * k + k, 0.0);
                    }
                    DMatrixRMaj b = random(r, k, n);
                    double[] packed = new double[VectorGemm.packedSize(n, k)];
                    assertTrue(VectorGemm.packB(b.data, n, 1, n, k, packed));
                    double[] dense = new double[m * n];
                    VectorGemm.mult(a.data, k, 1, packed, dense, n, k, 0, m, true);
                    double[] sparseRows = new double[m * n];
                    java.util.Arrays.fill(sparseRows, 7.0);   // every entry must be written
                    SparseRowKernel.mult(a.data, k, b.data, n, sparseRows, 0, m);
                    for (int i = 0; i < m * n; i++) {
                        int at = i;
                        assertTrue(Double.compare(dense[i], sparseRows[i]) == 0, () -> String.format("(%dx%d)·(%dx%d): at [%d, %d]:"
                                + " sparse rows %.17g, dense kernel %.17g", m, k, k, n, at / n, at % n, sparseRows[at], dense[at]));
                    }
                });
    }

    /**
     * The sparse-row kernel is chosen when few groups of four entries hold a nonzero: scattered nonzeros at 0% and 5%
     * (0% and 19% of groups), and runs of 8 at 20% as in images (20%); not scattered ones at 15% and 30% (48% and 76%
     * of groups), dense rows, or products narrower than four vectors (4L columns, derived from the lane count L).
     */
    @Test
    void sparseRowKernelIsChosenForSparseRowsOnly() {
        assumeVectorKernel();
        Random r = new Random(4);
        int n = SparseRowKernel.MIN_COLUMNS + 1;
        // the sample is 8 rows of 196 groups: each share of groups here is at least 0.13 from the limit, over ten
        // standard deviations (at most 0.012)
        for (double density : new double[] {0.0, 0.05, 0.15, 0.3, 1.0}) {
            DMatrixRMaj a = random(r, 100, 784);
            for (int i = 0; i < a.data.length; i++) if (r.nextDouble() >= density) a.data[i] = 0.0;
            double groups = 1 - Math.pow(1 - density, SparseRowKernel.GROUP);
            assertTrue(SparseRowKernel.pays(a.data, 100, 784, n) == groups < SparseRowKernel.MAX_GROUPS,
                    "scattered nonzeros at " + density + " (" + groups + " of groups)");
        }
        DMatrixRMaj runs = new DMatrixRMaj(100, 784);
        for (int i = 0; i < 100; i++) {
            for (int p = 0; p < 784; p += 8) {
                if (r.nextDouble() < 0.2) for (int q = p; q < p + 8; q++) runs.set(i, q, r.nextGaussian());
            }
        }
        assertTrue(SparseRowKernel.pays(runs.data, 100, 784, n), "runs of 8 nonzeros at 20%, as in images");
        DMatrixRMaj sparse = random(r, 100, 784);
        for (int i = 0; i < sparse.data.length; i++) if (r.nextDouble() >= 0.1) sparse.data[i] = 0.0;
        // the width threshold, exactly and one column either side
        assertTrue(!SparseRowKernel.pays(sparse.data, 100, 784, SparseRowKernel.MIN_COLUMNS - 1), "too narrow");
        assertTrue(!SparseRowKernel.pays(runs.data, 100, 784, SparseRowKernel.MIN_COLUMNS - 1), "runs, but too narrow");
        assertTrue(SparseRowKernel.pays(runs.data, 100, 784, SparseRowKernel.MIN_COLUMNS), "four vectors wide");
        assertTrue(SparseRowKernel.pays(runs.data, 100, 784, SparseRowKernel.MIN_COLUMNS + 1), "past four vectors");
        DMatrixRMaj b = random(r, 784, n);
        assertTrue(SparseRowKernel.allFinite(b.data, b.data.length));
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            for (int at : new int[] {0, 17, b.data.length - 1}) {
                double saved = b.data[at];
                b.data[at] = bad;
                assertTrue(!SparseRowKernel.allFinite(b.data, b.data.length), bad + " at " + at);
                b.data[at] = saved;
            }
        }
    }

    /**
     * A thread's first product grows that thread's own buffers (the packed A block, the scratch for partial blocks, the
     * packed B): on a fresh thread, the widest and deepest shapes of the blocking test, for A, Aᵀ and Bᵀ, against EJML.
     * Elsewhere an earlier, larger product has always grown them already.
     */
    @Test
    void aFreshThreadsFirstProductIsRight() throws InterruptedException {
        assumeVectorKernel();
        int n = 27 * VectorGemm.lanes() - 1;
        int k = VectorGemm.KC + 1;
        int m = VectorGemm.MR + 1;   // under the threshold for splitting rows: the product runs on the fresh thread
        assertTrue((long) m * n * k < Gemm.PARALLEL_MIN_WORK);
        for (int variant = 0; variant < 3; variant++) {
            boolean transA = variant == 1;
            boolean transB = variant == 2;
            Random r = new Random(40 + variant);
            DMatrixRMaj a = random(r, transA ? k : m, transA ? m : k);
            DMatrixRMaj b = random(r, transB ? n : k, transB ? k : n);
            DMatrixRMaj out = new DMatrixRMaj(1, 1);
            Thread fresh = new Thread(() -> Gemm.mult(a, transA, b, transB, out));
            fresh.start();
            fresh.join();
            assertMatchesEjml(String.format("fresh thread (%dx%d)·(%dx%d) transA=%s transB=%s", m, k, k, n, transA, transB),
                    out.data, a, transA, b, transB);
        }
    }

    /** The finiteness test of B at every length, so that its scalar tail (length not a multiple of L) is checked too. */
    @Test
    void theFinitenessTestCoversItsTail() {
        assumeVectorKernel();
        for (int length = 1; length <= 3 * VectorGemm.lanes() + 1; length++) {
            double[] b = new double[length];
            java.util.Arrays.fill(b, 1.5);
            assertTrue(SparseRowKernel.allFinite(b, length), "length " + length);
            for (int at = 0; at < length; at++) {
                for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
                    b[at] = bad;
                    assertTrue(!SparseRowKernel.allFinite(b, length), bad + " at " + at + " of " + length);
                    b[at] = 1.5;
                }
            }
        }
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

    /**
     * Zero skipping leaves every value unchanged (bit for bit, up to the sign of a zero): the same product through the
     * kernel with skipping switched off, on inputs with whole zero steps, zero rows and scattered zeros.
     */
    @Test
    void skippingZeroStepsChangesNoValue() {
        assumeVectorKernel();
        TensorGens.qt(200).forAll(dims(40), integers().between(1, 300), dims(60), longs().all()).checkAssert((m, k, n, seed) -> {
            Random r = new Random(seed);
            boolean transA = r.nextBoolean();
            DMatrixRMaj a = sparse(r, transA ? k : m, transA ? m : k, transA);
            DMatrixRMaj b = random(r, k, n);
            double[] packed = new double[VectorGemm.packedSize(n, k)];
            assertTrue(VectorGemm.packB(b.data, n, 1, n, k, packed), "a finite B must allow skipping");
            double[] skipped = new double[m * n];
            double[] full = new double[m * n];
            VectorGemm.mult(a.data, transA ? 1 : k, transA ? m : 1, packed, skipped, n, k, 0, m, true);
            VectorGemm.mult(a.data, transA ? 1 : k, transA ? m : 1, packed, full, n, k, 0, m, false);
            for (int i = 0; i < m * n; i++) {
                int at = i;
                assertTrue(full[i] == skipped[i], () -> String.format("(%dx%d)·(%dx%d) transA=%s: at [%d, %d]: skipping %.17g,"
                        + " full chain %.17g", m, k, k, n, transA, at / n, at % n, skipped[at], full[at]));
            }
        });
    }

    /**
     * 0·∞ is NaN: a zero step of A is not skipped when B holds an infinity or a NaN there, with a dense A and with an A
     * sparse enough for the sparse-row kernel (which must then not be used).
     */
    @Test
    void zeroStepsAreNotSkippedWhenBIsNotFinite() {
        int n = columnsForTheSparseKernel();
        for (double bad : new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN}) {
            for (int variant = 0; variant < 4; variant++) {
                boolean transB = (variant & 1) != 0;
                boolean sparseA = (variant & 2) != 0;
                Random r = new Random(3);
                DMatrixRMaj a = random(r, 12, 40);
                if (sparseA) for (int i = 0; i < a.data.length; i++) if (i % 20 != 0) a.data[i] = 0.0;
                for (int i = 0; i < 12; i++) a.set(i, 7, 0.0);
                if (sparseA && Gemm.vectorKernel()) {
                    assertTrue(SparseRowKernel.pays(a.data, 12, 40, n), "this A would take the sparse-row kernel");
                }
                DMatrixRMaj b = random(r, 40, n);
                b.set(7, n - 1, bad);
                if (transB) b = CommonOps_DDRM.transpose(b, null);
                DMatrixRMaj out = new DMatrixRMaj(1, 1);
                Gemm.mult(a, false, b, transB, out);
                for (int i = 0; i < 12; i++) {
                    assertTrue(Double.isNaN(out.get(i, n - 1)), "B[7, " + (n - 1) + "] = " + bad + " transB=" + transB
                            + " sparseA=" + sparseA + ": row " + i + " gave " + out.get(i, n - 1));
                }
            }
        }
    }

    /**
     * A step of A that is zero in all but one row, where it holds NaN, ±∞ (or −0.0), is not a zero step: that row's
     * results must be non-finite (or, for −0.0, equal to the product with +0.0 there). Checked for A and Aᵀ, for the
     * row in every position of a full block and in a partial block.
     */
    @Test
    void aStepWithANonFiniteValueIsNeverSkipped() {
        int n = columnsForTheSparseKernel();
        for (double odd : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0}) {
            for (int variant = 0; variant < 4; variant++) {
                boolean transA = (variant & 1) != 0;
                // mostly zeros: the row-major product then goes to the sparse-row kernel
                boolean sparseA = (variant & 2) != 0;
                for (int row = 0; row < 14; row++) {
                    Random r = new Random(5);
                    DMatrixRMaj a = random(r, 14, 40);
                    if (sparseA) for (int i = 0; i < a.data.length; i++) if (i % 20 != 0) a.data[i] = 0.0;
                    for (int i = 0; i < 14; i++) a.set(i, 9, 0.0);
                    a.set(row, 9, odd);
                    if (sparseA && Gemm.vectorKernel()) {
                        assertTrue(SparseRowKernel.pays(a.data, 14, 40, n), "this A takes the sparse-row kernel");
                    }
                    DMatrixRMaj b = random(r, 40, n);
                    DMatrixRMaj out = new DMatrixRMaj(1, 1);
                    Gemm.mult(transA ? CommonOps_DDRM.transpose(a, null) : a, transA, b, false, out);
                    DMatrixRMaj expected = new DMatrixRMaj(1, 1);
                    DMatrixRMaj positive = a.copy();
                    positive.set(row, 9, 0.0);
                    CommonOps_DDRM.mult(positive, b, expected);
                    for (int j = 0; j < n; j++) {
                        double v = out.get(row, j);
                        String where = "A[" + row + ", 9] = " + odd + " transA=" + transA + " sparseA=" + sparseA + ": C[" + row
                                + ", " + j + "] = " + v;
                        if (Double.isNaN(odd) || Double.isInfinite(odd)) assertTrue(!Double.isFinite(v), where);
                        else assertTrue(Math.abs(v - expected.get(row, j)) <= 1e-12 * (1 + Math.abs(expected.get(row, j))), where
                                + ", expected " + expected.get(row, j));
                    }
                }
            }
        }
    }

    /**
     * Warming up on another thread (as the train command does while it loads data) disturbs no product running at the
     * same time: the warm-up has buffers of its own. Products of the book's shapes, split over the cores, checked
     * against EJML while it runs.
     */
    @Test
    void warmUpOnAnotherThreadDisturbsNoProduct() throws InterruptedException {
        Thread warm = new Thread(Gemm::warmUp);
        warm.start();
        Random r = new Random(9);
        int checked = 0;
        do {
            DMatrixRMaj a = sparse(r, 100, 784, false);
            DMatrixRMaj b = random(r, 784, 50);
            DMatrixRMaj out = new DMatrixRMaj(1, 1);
            Gemm.mult(a, false, b, false, out);
            assertMatchesEjml("(100x784)·(784x50) during warm-up", out.data, a, false, b, false);
            checked++;
        } while (warm.isAlive() || checked < 3);
        warm.join();
    }

    /** Mostly zeros, with some rows (of A as used) and some inner steps all zero. */
    private static DMatrixRMaj sparse(Random r, int rows, int cols, boolean transposed) {
        DMatrixRMaj m = random(r, rows, cols);
        double density = r.nextDouble();
        for (int i = 0; i < m.data.length; i++) if (r.nextDouble() > density) m.data[i] = 0.0;
        int steps = transposed ? rows : cols;
        int usedRows = transposed ? cols : rows;
        for (int p = 0; p < steps; p++) {
            if (r.nextInt(3) > 0) continue;
            for (int i = 0; i < usedRows; i++) m.data[transposed ? p * cols + i : i * cols + p] = 0.0;
        }
        if (r.nextBoolean()) {
            int row = r.nextInt(usedRows);
            for (int p = 0; p < steps; p++) m.data[transposed ? p * cols + row : row * cols + p] = 0.0;
        }
        return m;
    }

    /**
     * Once the JIT has compiled the kernel, a product allocates nothing: the training step relies on it. Code the JIT
     * cannot turn into vector instructions allocates a Java object per vector (a vector carried across loop
     * iterations did, in the packing of B). The shapes are the book's first layer (batch 100, 784 inputs, 50 hidden
     * units) and its backward products; the test gives the JIT up to 40 windows of 50 steps, and fails if no window
     * is free of allocation on this thread.
     */
    @Test
    void productsAllocateNothingOnceCompiled() {
        // NOTE: with 2-lane vectors (-XX:MaxVectorSize=16, SSE width) Java 17's C2 does not compile the vector mask
        // tests (compare(...).allTrue()/anyTrue()) of the row-major packing and the sparse-row kernel into
        // instructions, and each one allocates: measured 64 MB per 50 dense products, 447 MB per 50 sparse-row ones,
        // while the transposed-B path, which has no mask test, allocates nothing. Every machine this project runs on
        // has AVX2 or AVX-512 (4 or 8 lanes), so the 2-lane run checks values only.
        Assumptions.assumeTrue(!Gemm.vectorKernel() || VectorGemm.lanes() >= 4, "2-lane vectors: see the note above");
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Random r = new Random(5);
        DMatrixRMaj x = random(r, 100, 784);
        // as an image batch, nonzeros in runs (of 8, a fifth of them): its forward product takes the sparse-row kernel
        DMatrixRMaj images = x.copy();
        for (int i = 0; i < images.data.length; i += 8) {
            if (r.nextDouble() >= 0.2) java.util.Arrays.fill(images.data, i, Math.min(images.data.length, i + 8), 0.0);
        }
        if (Gemm.vectorKernel()) {
            assertTrue(SparseRowKernel.pays(images.data, 100, 784, 50), "the image-like batch takes the sparse-row kernel");
        }
        DMatrixRMaj w = random(r, 784, 50);
        DMatrixRMaj dout = random(r, 100, 50);
        DMatrixRMaj out = new DMatrixRMaj(100, 50);
        DMatrixRMaj dw = new DMatrixRMaj(784, 50);
        DMatrixRMaj dx = new DMatrixRMaj(100, 784);
        long least = Long.MAX_VALUE;
        for (int window = 0; window < 40 && least > 0; window++) {
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 50; i++) {
                Gemm.mult(x, false, w, false, out);
                Gemm.mult(images, false, w, false, out);
                Gemm.mult(x, true, dout, false, dw);
                Gemm.mult(dout, false, w, true, dx);
            }
            least = Math.min(least, bean.getCurrentThreadAllocatedBytes() - before);
        }
        assertTrue(least == 0, "every window of 50 steps allocated; the least was " + least + " bytes");
    }

    /**
     * A width the sparse-row kernel takes, past its threshold by a partial vector's worth so that the last vector
     * overlaps: 4L + 2 columns (18 with 4 lanes, 34 with 8); 30 on the EJML fallback.
     */
    private static int columnsForTheSparseKernel() {
        return Gemm.vectorKernel() ? SparseRowKernel.MIN_COLUMNS + 2 : 30;
    }

    /**
     * {@code actual} (row-major op(A)·op(B)) against EJML's product entry by entry: |Δ|ᵢⱼ ≤ 1e-12·(|op(A)|·|op(B)|)ᵢⱼ;
     * a failure names the product, the entry, both values and the bound.
     */
    private static void assertMatchesEjml(String product, double[] actual, DMatrixRMaj a, boolean ta, DMatrixRMaj b,
            boolean tb) {
        DMatrixRMaj ref = new DMatrixRMaj(1, 1);
        multiply(a, ta, b, tb, ref);
        DMatrixRMaj bound = errorScale(a, ta, b, tb);
        int n = ref.numCols;
        for (int i = 0; i < ref.getNumElements(); i++) {
            int at = i;
            assertTrue(Math.abs(actual[i] - ref.data[i]) <= 1e-12 * bound.data[i], () -> String.format(
                    "%s: at [%d, %d]: kernel %.17g vs EJML %.17g, bound %.3g", product, at / n, at % n, actual[at], ref.data[at],
                    1e-12 * bound.data[at]));
        }
    }

    /** |op(A)|·|op(B)|, entrywise: the scale of the rounding error of each entry of the product. */
    private static DMatrixRMaj errorScale(DMatrixRMaj a, boolean ta, DMatrixRMaj b, boolean tb) {
        DMatrixRMaj absA = a.copy();
        DMatrixRMaj absB = b.copy();
        CommonOps_DDRM.abs(absA);
        CommonOps_DDRM.abs(absB);
        DMatrixRMaj scale = new DMatrixRMaj(1, 1);
        multiply(absA, ta, absB, tb, scale);
        return scale;
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
