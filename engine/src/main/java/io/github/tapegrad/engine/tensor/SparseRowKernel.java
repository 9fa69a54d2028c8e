package io.github.tapegrad.engine.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The product C = A·B for a row-major A that is mostly zeros, B row-major: each row of C is the sum, over the nonzero
 * entries A[i, p] of its row of A, of A[i, p]·(row p of B). The row's nonzeros are listed first (a vector test skips
 * L zeros at a time), then the row of C is accumulated in vector registers, 12 vectors plus one at a time, reading the
 * rows of B in place.
 *
 * <p>On images such as MNIST (19% nonzero) this beats {@link VectorGemm}, whose zero skipping needs a step to be zero
 * in six rows at once (56% of MNIST's steps are): here a row pays only for its own nonzeros. But it reads a row of B
 * per nonzero instead of VectorGemm's register blocking, and every group of L entries holding a nonzero is listed one
 * by one, so its cost follows how many groups hold a nonzero, and how scattered they are, more than the count of
 * nonzeros: scattered nonzeros lose to VectorGemm where runs of them, as in images, win (the crossover measurements
 * are in docs/PERFORMANCE.md). {@link #pays} decides from a sample of A's rows.
 *
 * <p>NOTE: every C[i, j] is the fused multiply-add chain of VectorGemm with the zero terms left out: the nonzero p in
 * increasing order, starting from +0.0. Leaving out fma(±0, b, c) = c changes no bit when b is finite (c starts at
 * +0.0 and a sum that cancels rounds to +0.0, so c is never −0.0), and the kernel runs only on a finite B, so the two
 * kernels give the same bits. A NaN or ±∞ in A is nonzero and is kept. The last vector of a row whose width is not a
 * multiple of L overlaps the one before it and recomputes its shared columns by the same chain: the same bits again.
 *
 * <p>Loaded only when the {@code jdk.incubator.vector} module is present (see {@link Gemm}).
 */
final class SparseRowKernel {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * Most groups of {@value #GROUP} consecutive entries of a row that may hold a nonzero for this kernel to be chosen:
     * under the crossover against VectorGemm measured on a 4-lane machine (docs/PERFORMANCE.md, "Sparse-row kernel"),
     * with MNIST's 29% of groups below it.
     */
    static final double MAX_GROUPS = 0.35;
    /** Entries per group counted by {@link #pays}: four doubles, one AVX2 vector, whatever the vector width here. */
    static final int GROUP = 4;
    /** Rows of A sampled by {@link #pays}, spread over A. */
    private static final int SAMPLE_ROWS = 8;
    /** Narrowest product the kernel takes: below four vectors per row, VectorGemm's panels do better. */
    static final int MIN_COLUMNS = 4 * L;

    /** Per thread: the column indices and values of one row's nonzeros. */
    private static final class Buffers {
        int[] columns = new int[0];
        double[] values = new double[0];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private SparseRowKernel() {}

    /**
     * Whether an m×k row-major A times a k×n B is faster here than in VectorGemm: n at least {@link #MIN_COLUMNS}, and at
     * most {@link #MAX_GROUPS} of the groups of {@value #GROUP} consecutive entries holding a nonzero, in up to
     * {@value #SAMPLE_ROWS} rows spread over A. The choice changes no value (see the class comment), only the time.
     */
    static boolean pays(double[] a, int m, int k, int n) {
        if (n < MIN_COLUMNS) return false;
        int rows = Math.min(m, SAMPLE_ROWS);
        long groups = 0;
        long withNonZero = 0;
        for (int s = 0; s < rows; s++) {
            int base = (int) ((long) m * s / rows) * k;
            int p = 0;
            for (; p + GROUP <= k; p += GROUP) {
                withNonZero += isNonZero(a[base + p]) | isNonZero(a[base + p + 1]) | isNonZero(a[base + p + 2])
                        | isNonZero(a[base + p + 3]);
            }
            int tail = 0;
            for (; p < k; p++) tail |= isNonZero(a[base + p]);
            withNonZero += tail;
            groups += (k + GROUP - 1) / GROUP;
        }
        return withNonZero <= MAX_GROUPS * groups;
    }

    /** Whether every entry of b[0, length) is finite; only then may zero entries of A be left out. */
    static boolean allFinite(double[] b, int length) {
        boolean finite = true;
        int i = 0;
        for (int bound = S.loopBound(length); i < bound; i += L) {
            DoubleVector v = DoubleVector.fromArray(S, b, i);
            // x − x is 0 for finite x and NaN otherwise; NOTE: a scalar result per step, as in VectorGemm's packing of B
            finite &= v.sub(v).compare(VectorOperators.EQ, 0.0).allTrue();
        }
        double probe = 0.0;
        for (; i < length; i++) probe += b[i] * 0.0;
        return finite && probe == 0.0;
    }

    /** Rows [rowFrom, rowTo) of C (m×n, row-major) = A (row-major, k columns)·B (k×n, row-major, finite). */
    static void mult(double[] a, int k, double[] b, int n, double[] c, int rowFrom, int rowTo) {
        Buffers buffers = BUFFERS.get();
        if (buffers.columns.length < k) {
            buffers.columns = new int[k];
            buffers.values = new double[k];
        }
        int[] columns = buffers.columns;
        double[] values = buffers.values;
        for (int i = rowFrom; i < rowTo; i++) {
            int count = nonZeros(a, i * k, k, columns, values);
            row(columns, values, count, b, n, c, i * n);
        }
    }

    /**
     * Lists the nonzeros of a[base, base + k): columns[t] = p and values[t] = a[base + p] for the t-th nonzero p.
     * Returns how many there are.
     */
    private static int nonZeros(double[] a, int base, int k, int[] columns, double[] values) {
        int count = 0;
        int p = 0;
        for (int bound = S.loopBound(k); p < bound; p += L) {
            // NOTE: a vector test first: most groups of L are all zero in images, and the test is one branch where the
            // listing below is L stores at data-dependent places (the listing alone took twice as long)
            if (!DoubleVector.fromArray(S, a, base + p).compare(VectorOperators.NE, 0.0).anyTrue()) continue;
            for (int q = p; q < p + L; q++) {
                double v = a[base + q];
                columns[count] = q;
                values[count] = v;
                count += isNonZero(v);
            }
        }
        for (; p < k; p++) {
            double v = a[base + p];
            columns[count] = p;
            values[count] = v;
            count += isNonZero(v);
        }
        return count;
    }

    /** 0 for ±0.0, else 1 (NaN and ±∞ included), without a branch. */
    private static int isNonZero(double v) {
        long bits = Double.doubleToRawLongBits(v) << 1;
        return (int) ((bits | -bits) >>> 63);
    }

    /** One row of C: the columns covered by blocks of 13 vectors, then 4, then 1; a last partial vector overlaps. */
    private static void row(int[] columns, double[] values, int count, double[] b, int n, double[] c, int cOff) {
        int j = 0;
        for (; n - j >= 13 * L; j += 13 * L) thirteen(columns, values, count, b, n, j, j + 12 * L, c, cOff);
        if (n - j > 12 * L) {
            // 12 vectors and the row's last one, which overlaps the twelfth (n = 50 with 4 lanes: columns 0–47 and 46–49)
            thirteen(columns, values, count, b, n, j, n - L, c, cOff);
            return;
        }
        for (; n - j >= 4 * L; j += 4 * L) four(columns, values, count, b, n, j, c, cOff);
        for (; n - j >= L; j += L) one(columns, values, count, b, n, j, c, cOff);
        if (j < n) one(columns, values, count, b, n, n - L, c, cOff);
    }

    /** C[row, j, j + 12L) and C[row, last, last + L) from the listed nonzeros. */
    private static void thirteen(int[] columns, double[] values, int count, double[] b, int n, int j, int last, double[] c,
            int cOff) {
        DoubleVector c0 = DoubleVector.zero(S);
        DoubleVector c1 = c0;
        DoubleVector c2 = c0;
        DoubleVector c3 = c0;
        DoubleVector c4 = c0;
        DoubleVector c5 = c0;
        DoubleVector c6 = c0;
        DoubleVector c7 = c0;
        DoubleVector c8 = c0;
        DoubleVector c9 = c0;
        DoubleVector c10 = c0;
        DoubleVector c11 = c0;
        DoubleVector c12 = c0;
        for (int t = 0; t < count; t++) {
            DoubleVector x = DoubleVector.broadcast(S, values[t]);
            int row = columns[t] * n;
            int o = row + j;
            c0 = x.fma(DoubleVector.fromArray(S, b, o), c0);
            c1 = x.fma(DoubleVector.fromArray(S, b, o + L), c1);
            c2 = x.fma(DoubleVector.fromArray(S, b, o + 2 * L), c2);
            c3 = x.fma(DoubleVector.fromArray(S, b, o + 3 * L), c3);
            c4 = x.fma(DoubleVector.fromArray(S, b, o + 4 * L), c4);
            c5 = x.fma(DoubleVector.fromArray(S, b, o + 5 * L), c5);
            c6 = x.fma(DoubleVector.fromArray(S, b, o + 6 * L), c6);
            c7 = x.fma(DoubleVector.fromArray(S, b, o + 7 * L), c7);
            c8 = x.fma(DoubleVector.fromArray(S, b, o + 8 * L), c8);
            c9 = x.fma(DoubleVector.fromArray(S, b, o + 9 * L), c9);
            c10 = x.fma(DoubleVector.fromArray(S, b, o + 10 * L), c10);
            c11 = x.fma(DoubleVector.fromArray(S, b, o + 11 * L), c11);
            c12 = x.fma(DoubleVector.fromArray(S, b, row + last), c12);
        }
        int o = cOff + j;
        c0.intoArray(c, o);
        c1.intoArray(c, o + L);
        c2.intoArray(c, o + 2 * L);
        c3.intoArray(c, o + 3 * L);
        c4.intoArray(c, o + 4 * L);
        c5.intoArray(c, o + 5 * L);
        c6.intoArray(c, o + 6 * L);
        c7.intoArray(c, o + 7 * L);
        c8.intoArray(c, o + 8 * L);
        c9.intoArray(c, o + 9 * L);
        c10.intoArray(c, o + 10 * L);
        c11.intoArray(c, o + 11 * L);
        c12.intoArray(c, cOff + last);
    }

    /** C[row, j, j + 4L) from the listed nonzeros. */
    private static void four(int[] columns, double[] values, int count, double[] b, int n, int j, double[] c, int cOff) {
        DoubleVector c0 = DoubleVector.zero(S);
        DoubleVector c1 = c0;
        DoubleVector c2 = c0;
        DoubleVector c3 = c0;
        for (int t = 0; t < count; t++) {
            DoubleVector x = DoubleVector.broadcast(S, values[t]);
            int o = columns[t] * n + j;
            c0 = x.fma(DoubleVector.fromArray(S, b, o), c0);
            c1 = x.fma(DoubleVector.fromArray(S, b, o + L), c1);
            c2 = x.fma(DoubleVector.fromArray(S, b, o + 2 * L), c2);
            c3 = x.fma(DoubleVector.fromArray(S, b, o + 3 * L), c3);
        }
        int o = cOff + j;
        c0.intoArray(c, o);
        c1.intoArray(c, o + L);
        c2.intoArray(c, o + 2 * L);
        c3.intoArray(c, o + 3 * L);
    }

    /** C[row, j, j + L) from the listed nonzeros. */
    private static void one(int[] columns, double[] values, int count, double[] b, int n, int j, double[] c, int cOff) {
        DoubleVector c0 = DoubleVector.zero(S);
        for (int t = 0; t < count; t++) {
            c0 = DoubleVector.broadcast(S, values[t]).fma(DoubleVector.fromArray(S, b, columns[t] * n + j), c0);
        }
        c0.intoArray(c, cOff + j);
    }

    /**
     * Runs the kernel on small products so that the JIT compiles it (see {@link VectorGemm#warmUp}): widths that take
     * the 13-vector block with and without an overlapping last vector, and the 4- and 1-vector blocks.
     */
    static void warmUp() {
        java.util.Random r = new java.util.Random(2);
        // NOTE: rows as long as images' (200 entries, a fifth nonzero): each call's loops then count towards the JIT's
        // thresholds 40 steps at a time, and the kernel is compiled after a few thousand rows instead of tens of thousands
        int k = 200;
        int rows = 4;
        int[] widths = {12 * L + 2, 13 * L, 5 * L + 1};
        double[] a = new double[rows * k];
        for (int i = 0; i < a.length; i++) a[i] = r.nextInt(5) == 0 ? r.nextDouble() : 0.0;
        for (int n : widths) {
            double[] b = new double[k * n];
            for (int i = 0; i < b.length; i++) b[i] = r.nextDouble();
            double[] c = new double[rows * n];
            for (int i = 0; i < WARM_UP_PRODUCTS; i++) mult(a, k, b, n, c, 0, rows);
        }
    }

    /** Products per width run by {@link #warmUp}: past the JIT's thresholds for full optimisation. */
    private static final int WARM_UP_PRODUCTS = 1_500;
}
