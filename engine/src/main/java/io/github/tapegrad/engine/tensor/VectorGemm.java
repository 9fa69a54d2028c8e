package io.github.tapegrad.engine.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A register-blocked matrix-product kernel on the Vector API: C[i, j] = Σ_p A(i, p)·B[p, j] for rows
 * [rowFrom, rowTo) of C, with A(i, p) read as {@code a[i·aRow + p·aCol]} so that the same code serves A and Aᵀ.
 *
 * <p>GEMM-style blocking: B is packed once per product into panels of {@link #NR} columns; for each block of
 * {@link #MR} rows and {@link #KC} steps of p, A is packed into a small buffer, and the micro-kernel keeps the
 * MR×NR block of C in 12 vector accumulators while it walks p (2 vector loads and 6 broadcasts per 12 fused
 * multiply-adds; on AVX2 these 15 registers fit the 16 available). The packed A block (12 KB) stays in L1 across
 * the panels; each panel's KC rows of B (16 KB) stream from L2.
 * Partial blocks (the last rows, and the last panel when NR does not divide n) are padded with zeros instead of
 * using masked vector operations, which are slow on Java 17, or scalar tails, which are latency-bound; a last panel
 * at most one vector wide takes a one-vector micro-kernel, so that it does not pay for a whole padded vector.
 *
 * <p>NOTE: every C[i, j] is one fused multiply-add chain in p = 0, 1, …, k−1 order (stored and reloaded exactly
 * between p-blocks), whichever block shape or thread computes it. Results therefore do not depend on how rows are
 * split across threads.
 *
 * <p>Zero skipping: a step p at which all MR rows of the A block are zero is left out of the chain when every entry
 * of B is finite. That changes no value: fma(±0, b, c) = c exactly for finite b (up to the sign of a zero c). With
 * a non-finite B nothing is skipped, so 0·∞ still gives NaN. Inputs such as MNIST images (81% zeros, 56% of
 * 6-row steps all zero) then cost about half the multiply-adds.
 *
 * <p>Row-major products whose A is mostly zeros go to {@link SparseRowKernel} instead, which gives the same bits.
 *
 * <p>Loaded only when the {@code jdk.incubator.vector} module is present (see {@link Gemm}).
 */
final class VectorGemm {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Whether vector masks compile to instructions rather than objects (they did not with 2 lanes, on Java 17). */
    private static final boolean MASKS_COMPILE = L >= 4;
    /** Rows per micro-kernel block. */
    static final int MR = 6;
    /** Columns per packed panel of B: two vectors. */
    static final int NR = 2 * L;
    /** Steps of p per block. */
    static final int KC = 256;
    /** Per thread: the packed A block, the scratch for partial blocks, and the kept steps of the block. */
    private static final class Buffers {
        final double[] aPack = new double[MR * KC];
        final int[] steps = new int[KC];
        double[] partial = new double[0];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private VectorGemm() {}

    /** Lanes per vector, for descriptions. */
    static int lanes() {
        return L;
    }

    /** Number of panels of B, the last one zero-padded when NR does not divide n. */
    private static int panels(int n) {
        return (n + NR - 1) / NR;
    }

    /** Size of the packed-B buffer for a k×n product. */
    static int packedSize(int n, int k) {
        return panels(n) * NR * k;
    }

    /**
     * Packs B (k×n, element (p, j) at {@code b[p·bRow + j·bCol]}, so B or Bᵀ) into panels of NR columns,
     * {@code packed[q·k·NR + p·NR + t] = B(p, q·NR + t)}, with zeros beyond column n.
     *
     * @return whether every entry of B is finite (then zero steps of A may be skipped)
     */
    static boolean packB(double[] b, int bRow, int bCol, int n, int k, double[] packed) {
        if (bCol == 1) return packRowMajorB(b, bRow, n, k, packed);
        // NOTE: x·0 is 0 for finite x and NaN for ±∞ or NaN, so one sum tells whether all of B is finite
        double probe = 0.0;
        for (int q = 0, panels = panels(n); q < panels; q++) {
            int base = q * k * NR;
            int width = Math.min(NR, n - q * NR);
            for (int p = 0; p < k; p++) {
                int dst = base + p * NR;
                for (int t = 0, src = p * bRow + q * NR * bCol; t < width; t++, src += bCol) {
                    double v = b[src];
                    packed[dst + t] = v;
                    probe += v * 0.0;
                }
                for (int t = width; t < NR; t++) packed[dst + t] = 0.0;
            }
        }
        return probe == 0.0;
    }

    /** {@link #packB} for a row-major B: each row p is read once, front to back, and copied a vector at a time. */
    private static boolean packRowMajorB(double[] b, int bRow, int n, int k, double[] packed) {
        int full = n / NR;
        int rest = n - full * NR;
        int panelSize = k * NR;
        boolean finite = true;
        double tailProbe = 0.0;
        for (int p = 0; p < k; p++) {
            int src = p * bRow;
            int dst = p * NR;
            for (int q = 0; q < full; q++, src += NR, dst += panelSize) {
                DoubleVector v0 = DoubleVector.fromArray(S, b, src);
                DoubleVector v1 = DoubleVector.fromArray(S, b, src + L);
                v0.intoArray(packed, dst);
                v1.intoArray(packed, dst + L);
                // x − x is 0 for finite x and NaN otherwise. NOTE: the test ends in a scalar: a vector carried from
                // one iteration to the next is not kept in a register by Java 17's C2, which then allocates per step.
                DoubleVector probe = v0.sub(v0).add(v1.sub(v1));
                // NOTE: with 2 lanes Java 17's C2 leaves the mask of compare(...).allTrue() as an object (one per
                // panel row: megabytes per training step); the lane sum, 0 exactly when every lane is, compiles
                finite &= MASKS_COMPILE ? probe.compare(VectorOperators.EQ, 0.0).allTrue() : probe.reduceLanes(VectorOperators.ADD) == 0.0;
            }
            if (rest > 0) {
                for (int t = 0; t < rest; t++) {
                    double v = b[src + t];
                    packed[dst + t] = v;
                    tailProbe += v * 0.0;
                }
                for (int t = rest; t < NR; t++) packed[dst + t] = 0.0;
            }
        }
        return finite && tailProbe == 0.0;
    }

    /**
     * Rows [rowFrom, rowTo) of C = A·B, B packed by {@link #packB}.
     *
     * @param skipZeroSteps leave out steps where all rows of an A block are zero; only when B is finite
     */
    static void mult(double[] a, int aRow, int aCol, double[] packed, double[] c, int n, int k, int rowFrom, int rowTo,
            boolean skipZeroSteps) {
        int panels = panels(n);
        int fullPanels = n / NR;
        Buffers buffers = BUFFERS.get();
        double[] aPack = buffers.aPack;
        int[] steps = buffers.steps;
        if (buffers.partial.length < panels * MR * NR) buffers.partial = new double[panels * MR * NR];
        double[] partial = buffers.partial;
        for (int i = rowFrom; i < rowTo; i += MR) {
            int rows = Math.min(MR, rowTo - i);
            for (int kb = 0; kb < k; kb += KC) {
                int kc = Math.min(KC, k - kb);
                int kept = packA(a, aRow, aCol, i, rows, kb, kc, skipZeroSteps, aPack, steps);
                for (int q = 0; q < panels; q++) {
                    // NOTE: a block that C cannot hold whole (last rows, last columns) goes through a scratch block,
                    // computed by the same chain of fused multiply-adds, and only its valid part is copied out.
                    // A last panel at most one vector wide (n = 50 leaves 2 columns) takes the one-vector kernel: the
                    // full one would spend half its multiply-adds on padding.
                    int bOff = q * k * NR + kb * NR;
                    if (rows == MR && q < fullPanels) micro(aPack, steps, kept, packed, bOff, c, i * n + q * NR, n, kb > 0);
                    else if (n - q * NR <= L) microNarrow(aPack, steps, kept, packed, bOff, partial, q * MR * NR, NR, kb > 0);
                    else micro(aPack, steps, kept, packed, bOff, partial, q * MR * NR, NR, kb > 0);
                }
            }
            for (int q = 0; q < panels; q++) {
                if (rows == MR && q < fullPanels) continue;
                int width = Math.min(NR, n - q * NR);
                for (int r = 0; r < rows; r++) System.arraycopy(partial, q * MR * NR + r * NR, c, (i + r) * n + q * NR, width);
            }
        }
    }

    /**
     * Packs an A block, aPack[p·MR + r] = A(i + r, kb + p) (zeros for rows beyond {@code rows}), and lists the steps
     * to compute: steps[j] = p for the j-th step kept. Returns the number of steps kept.
     */
    private static int packA(double[] a, int aRow, int aCol, int i, int rows, int kb, int kc, boolean skipZeroSteps,
            double[] aPack, int[] steps) {
        int kept = 0;
        // every step is packed in place and listed, then the list entry is kept or overwritten by the next step: one
        // store at a data-dependent index, no branch on the data
        int keepAll = skipZeroSteps ? 0 : 1;
        if (rows == MR && aCol == 1) {
            // NOTE: A row-major (x·W): six row offsets fixed for the block, so every index is linear in p and the JIT
            // can drop the bounds checks from the loop (measured in docs/PERFORMANCE.md, "Packing A").
            int r0 = i * aRow + kb;
            int r1 = r0 + aRow;
            int r2 = r1 + aRow;
            int r3 = r2 + aRow;
            int r4 = r3 + aRow;
            int r5 = r4 + aRow;
            for (int p = 0, dst = 0; p < kc; p++, dst += MR) {
                double v0 = a[r0 + p];
                double v1 = a[r1 + p];
                double v2 = a[r2 + p];
                double v3 = a[r3 + p];
                double v4 = a[r4 + p];
                double v5 = a[r5 + p];
                aPack[dst] = v0;
                aPack[dst + 1] = v1;
                aPack[dst + 2] = v2;
                aPack[dst + 3] = v3;
                aPack[dst + 4] = v4;
                aPack[dst + 5] = v5;
                steps[kept] = p;
                kept += nonZero(v0, v1, v2, v3, v4, v5) | keepAll;
            }
            return kept;
        }
        if (rows == MR) {
            // NOTE: this loop and the one above differ only in how they index A, and are kept apart on purpose: one
            // shared helper for the stores and the zero test made the accuracy pass slower (docs/PERFORMANCE.md).
            // p outer, rows inner: the writes are sequential, and the reads six neighbours (Aᵀ) or six
            // sequential streams; the other order wrote with a stride of six and cost almost half of the micro-kernel.
            for (int p = 0, src = i * aRow + kb * aCol, dst = 0; p < kc; p++, src += aCol, dst += MR) {
                double v0 = a[src];
                double v1 = a[src + aRow];
                double v2 = a[src + 2 * aRow];
                double v3 = a[src + 3 * aRow];
                double v4 = a[src + 4 * aRow];
                double v5 = a[src + 5 * aRow];
                aPack[dst] = v0;
                aPack[dst + 1] = v1;
                aPack[dst + 2] = v2;
                aPack[dst + 3] = v3;
                aPack[dst + 4] = v4;
                aPack[dst + 5] = v5;
                steps[kept] = p;
                kept += nonZero(v0, v1, v2, v3, v4, v5) | keepAll;
            }
            return kept;
        }
        for (int p = 0; p < kc; p++) {
            boolean zero = true;
            for (int r = 0; r < MR; r++) {
                double v = r < rows ? a[(i + r) * aRow + (kb + p) * aCol] : 0.0;
                aPack[p * MR + r] = v;
                zero &= v == 0.0;
            }
            steps[kept] = p;
            kept += zero ? keepAll : 1;
        }
        return kept;
    }

    /**
     * 0 when all six values are +0.0 or −0.0, else 1 (NaN and ±∞ are not zero). NOTE: one OR of the bit patterns,
     * sign bits shifted out, instead of six double compares and their branches (docs/PERFORMANCE.md, "Packing A").
     */
    private static int nonZero(double v0, double v1, double v2, double v3, double v4, double v5) {
        long bits = Double.doubleToRawLongBits(v0) | Double.doubleToRawLongBits(v1) | Double.doubleToRawLongBits(v2)
                | Double.doubleToRawLongBits(v3) | Double.doubleToRawLongBits(v4) | Double.doubleToRawLongBits(v5);
        return bits << 1 == 0 ? 0 : 1;
    }

    /**
     * Runs the kernel on small products, on this thread's own buffers, so that the JIT compiles it: run interpreted,
     * each vector operation allocates, and on Java 17 the first accuracy pass of the book's run (70,000 rows) took
     * about a second instead of 0.2 s. The shapes take every branch: full and partial row blocks and panels, one and
     * two blocks of steps, A and Aᵀ, B and Bᵀ, skipping on and off.
     */
    static void warmUp() {
        java.util.Random r = new java.util.Random(1);
        int[][] shapes = {{7, 3, 10}, {6, 2, 8}, {13, KC + 4, 9}};
        double[][] a = new double[shapes.length][];
        double[][] b = new double[shapes.length][];
        double[][] c = new double[shapes.length][];
        double[][] packed = new double[shapes.length][];
        for (int s = 0; s < shapes.length; s++) {
            int m = shapes[s][0];
            int k = shapes[s][1];
            int n = shapes[s][2];
            a[s] = new double[m * k];
            b[s] = new double[k * n];
            c[s] = new double[m * n];
            packed[s] = new double[packedSize(n, k)];
            for (int i = 0; i < a[s].length; i++) a[s][i] = r.nextInt(3) == 0 ? r.nextDouble() : 0.0;
            for (int i = 0; i < b[s].length; i++) b[s][i] = r.nextDouble();
        }
        for (int i = 0; i < WARM_UP_PRODUCTS; i++) {
            // the large shape (two blocks of steps) one time in fifty: enough to compile its path, cheap in total
            int s = i % 50 == 0 ? 2 : i % 2;
            int m = shapes[s][0];
            int k = shapes[s][1];
            int n = shapes[s][2];
            boolean plain = (i & 2) == 0;
            boolean finite = packB(b[s], plain ? n : 1, plain ? 1 : k, n, k, packed[s]);
            mult(a[s], plain ? k : 1, plain ? 1 : m, packed[s], c[s], n, k, 0, m, finite && (i & 4) == 0);
        }
    }

    /** Products run by {@link #warmUp}: past the JIT's thresholds for compiling each method with full optimisation. */
    private static final int WARM_UP_PRODUCTS = 20_000;

    /**
     * {@link #micro} for the first vector of a panel only (MR×L at cOff, row stride n): the same chain of fused
     * multiply-adds for every element it computes.
     */
    private static void microNarrow(double[] ap, int[] steps, int kept, double[] bp, int bOff, double[] c, int cOff, int n,
            boolean accumulate) {
        DoubleVector c0, c1, c2, c3, c4, c5;
        if (accumulate) {
            c0 = DoubleVector.fromArray(S, c, cOff);
            c1 = DoubleVector.fromArray(S, c, cOff + n);
            c2 = DoubleVector.fromArray(S, c, cOff + 2 * n);
            c3 = DoubleVector.fromArray(S, c, cOff + 3 * n);
            c4 = DoubleVector.fromArray(S, c, cOff + 4 * n);
            c5 = DoubleVector.fromArray(S, c, cOff + 5 * n);
        } else {
            c0 = DoubleVector.zero(S);
            c1 = c0;
            c2 = c0;
            c3 = c0;
            c4 = c0;
            c5 = c0;
        }
        for (int j = 0; j < kept; j++) {
            int p = steps[j];
            int a = p * MR;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, bOff + p * NR);
            c0 = DoubleVector.broadcast(S, ap[a]).fma(b0, c0);
            c1 = DoubleVector.broadcast(S, ap[a + 1]).fma(b0, c1);
            c2 = DoubleVector.broadcast(S, ap[a + 2]).fma(b0, c2);
            c3 = DoubleVector.broadcast(S, ap[a + 3]).fma(b0, c3);
            c4 = DoubleVector.broadcast(S, ap[a + 4]).fma(b0, c4);
            c5 = DoubleVector.broadcast(S, ap[a + 5]).fma(b0, c5);
        }
        c0.intoArray(c, cOff);
        c1.intoArray(c, cOff + n);
        c2.intoArray(c, cOff + 2 * n);
        c3.intoArray(c, cOff + 3 * n);
        c4.intoArray(c, cOff + 4 * n);
        c5.intoArray(c, cOff + 5 * n);
    }

    /** C block (MR×NR at cOff, row stride n) = or += Σ over the kept steps p of aPack column p ⊗ B panel row p. */
    private static void micro(double[] ap, int[] steps, int kept, double[] bp, int bOff, double[] c, int cOff, int n,
            boolean accumulate) {
        DoubleVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (accumulate) {
            c00 = DoubleVector.fromArray(S, c, cOff);
            c01 = DoubleVector.fromArray(S, c, cOff + L);
            c10 = DoubleVector.fromArray(S, c, cOff + n);
            c11 = DoubleVector.fromArray(S, c, cOff + n + L);
            c20 = DoubleVector.fromArray(S, c, cOff + 2 * n);
            c21 = DoubleVector.fromArray(S, c, cOff + 2 * n + L);
            c30 = DoubleVector.fromArray(S, c, cOff + 3 * n);
            c31 = DoubleVector.fromArray(S, c, cOff + 3 * n + L);
            c40 = DoubleVector.fromArray(S, c, cOff + 4 * n);
            c41 = DoubleVector.fromArray(S, c, cOff + 4 * n + L);
            c50 = DoubleVector.fromArray(S, c, cOff + 5 * n);
            c51 = DoubleVector.fromArray(S, c, cOff + 5 * n + L);
        } else {
            c00 = DoubleVector.zero(S);
            c01 = c00;
            c10 = c00;
            c11 = c00;
            c20 = c00;
            c21 = c00;
            c30 = c00;
            c31 = c00;
            c40 = c00;
            c41 = c00;
            c50 = c00;
            c51 = c00;
        }
        for (int j = 0; j < kept; j++) {
            int p = steps[j];
            int b = bOff + p * NR;
            int a = p * MR;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, b);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, b + L);
            DoubleVector x = DoubleVector.broadcast(S, ap[a]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(S, ap[a + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(S, ap[a + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(S, ap[a + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = DoubleVector.broadcast(S, ap[a + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = DoubleVector.broadcast(S, ap[a + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c10.intoArray(c, cOff + n);
        c11.intoArray(c, cOff + n + L);
        c20.intoArray(c, cOff + 2 * n);
        c21.intoArray(c, cOff + 2 * n + L);
        c30.intoArray(c, cOff + 3 * n);
        c31.intoArray(c, cOff + 3 * n + L);
        c40.intoArray(c, cOff + 4 * n);
        c41.intoArray(c, cOff + 4 * n + L);
        c50.intoArray(c, cOff + 5 * n);
        c51.intoArray(c, cOff + 5 * n + L);
    }
}
