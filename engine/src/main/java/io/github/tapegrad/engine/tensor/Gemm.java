package io.github.tapegrad.engine.tensor;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * General matrix products {@code out = op(a)·op(b)} where {@code op} is the identity or the transpose.
 * Transposes are never built: EJML's {@code multTransA}, {@code multTransB} and {@code multTransAB} read
 * the operands in place. This is the single entry point for matrix products in tapegrad, so a faster kernel
 * can be dropped in behind it.
 *
 * <p>With the Vector API kernel, steps of the inner sum at which a block of six rows of op(a) is all zero are
 * skipped when op(b) is finite; the result is the same value (see {@code VectorGemm}). Sparse inputs such as
 * images are then up to twice as fast. A row-major {@code a} whose nonzeros are few and in runs (as images' are), times
 * a row-major finite {@code b}, goes to a kernel that visits only each row's nonzeros ({@code SparseRowKernel}); it
 * gives the same bits as the other, and the choice, made from a sample of {@code a}'s rows, only changes the time.
 */
public final class Gemm {
    /** Below this many multiply-adds EJML's kernel is as fast: set-up costs dominate. */
    static final long VECTOR_MIN_WORK = 4_096;
    /** Above this many multiply-adds the rows are split over the cores (a hand-off costs a few microseconds). */
    static final long PARALLEL_MIN_WORK = 500_000;

    private static final boolean VECTOR_MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final boolean VECTOR_ENABLED = VECTOR_MODULE && Settings.vectorKernelWanted();
    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

    private Gemm() {}

    /** Whether products use the Vector API kernel (the module is present and {@code -Dtapegrad.gemm=ejml} is not set). */
    public static boolean vectorKernel() {
        return VECTOR_ENABLED;
    }

    /**
     * Has the JIT compile the Vector API kernels now, on small products (a few hundred milliseconds on Java 17), rather
     * during the first large product, which otherwise runs interpreted for up to a second. Safe on any thread and
     * alongside other products; changes no result. Does nothing when products use EJML. Programs that start with a
     * large product can run it on a background thread while they load their data.
     */
    public static void warmUp() {
        if (VECTOR_ENABLED) VectorKernel.warmUp();
    }

    /** A one-line description of the kernel in use, saying how to get the fast one when it is missing. */
    public static String describe() {
        if (VECTOR_ENABLED) {
            return "Vector API kernel, " + VectorKernel.lanes() + " doubles per vector, " + Parallel.threads() + " thread(s)";
        }
        if (VECTOR_MODULE) return "EJML kernels (the Vector API kernel is switched off by -Dtapegrad.gemm=ejml)";
        return "EJML kernels: jdk.incubator.vector is not present, so products run several times slower;"
                + " add --add-modules jdk.incubator.vector to the java command";
    }

    /**
     * The float64 FMA throughput of one core in GFLOP/s, measured now with the widest vectors (about a quarter of a
     * second); NaN when the vector module is absent. For reports that set achieved speed against the machine's peak.
     */
    public static double peakGflopsPerCore() {
        return VECTOR_MODULE ? VectorKernel.peak() : Double.NaN;
    }

    /** Loaded only when the module is present, so that its absence never causes a linkage error. */
    private static final class VectorKernel {
        static int lanes() {
            return VectorGemm.lanes();
        }

        static double peak() {
            return FmaPeak.gflops();
        }

        static int packedSize(int n, int k) {
            return VectorGemm.packedSize(n, k);
        }

        static boolean packB(double[] b, int bRow, int bCol, int n, int k, double[] packed) {
            return VectorGemm.packB(b, bRow, bCol, n, k, packed);
        }

        static void warmUp() {
            // the sparse-row kernel first: it runs the first large products of a training run (the first layer's, and
            // the accuracy pass at iteration 0)
            SparseRowKernel.warmUp();
            VectorGemm.warmUp();
        }

        static boolean sparseRowsPay(double[] a, int m, int k, int n, double[] b) {
            return SparseRowKernel.pays(a, m, k, n) && SparseRowKernel.allFinite(b, k * n);
        }

        static void multSparseRows(double[] a, int k, double[] b, int n, double[] c, int from, int to) {
            SparseRowKernel.mult(a, k, b, n, c, from, to);
        }

        static void mult(double[] a, int aRow, int aCol, double[] packed, double[] c, int n, int k, int from, int to,
                boolean skipZeroSteps) {
            VectorGemm.mult(a, aRow, aCol, packed, c, n, k, from, to, skipZeroSteps);
        }
    }

    /** The arguments of one vector product, reused per calling thread so that a product allocates nothing. */
    private static final class Job implements Parallel.RangeTask {
        double[] a;
        double[] b;
        double[] c;
        int aRow;
        int aCol;
        int bRow;
        int bCol;
        int n;
        int k;
        double[] packed = new double[0];
        boolean bFinite;
        /** Whether the rows go to the sparse-row kernel (a row-major, mostly zeros; b row-major and finite). */
        boolean sparseRows;

        void pack() {
            int size = VectorKernel.packedSize(n, k);
            if (packed.length < size) packed = new double[size];
            bFinite = VectorKernel.packB(b, bRow, bCol, n, k, packed);
        }

        @Override
        public void run(int from, int to) {
            if (sparseRows) VectorKernel.multSparseRows(a, k, b, n, c, from, to);
            else VectorKernel.mult(a, aRow, aCol, packed, c, n, k, from, to, bFinite);
        }
    }

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
        if ((long) m * n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("matmul: the product of (" + m + "x" + ka + ") and (" + kb + "x" + n + ") would have "
                    + (long) m * n + " entries, more than one matrix holds (2^31 - 1)");
        }
        out.reshape(m, n);
        if (ka == 0) {
            out.zero();
            return;
        }
        long work = (long) m * n * ka;
        if (VECTOR_ENABLED && work >= VECTOR_MIN_WORK) {
            Job job = JOBS.get();
            job.a = a.data;
            job.aRow = transA ? 1 : a.numCols;
            job.aCol = transA ? a.numCols : 1;
            job.b = b.data;
            job.bRow = transB ? 1 : b.numCols;
            job.bCol = transB ? b.numCols : 1;
            job.c = out.data;
            job.n = n;
            job.k = ka;
            job.sparseRows = !transA && !transB && VectorKernel.sparseRowsPay(a.data, m, ka, n, b.data);
            if (!job.sparseRows) job.pack();
            Parallel.enterKernel();
            try {
                if (work >= PARALLEL_MIN_WORK) Parallel.forRows(m, 6, job);
                else job.run(0, m);
            } finally {
                Parallel.leaveKernel();
                job.a = job.b = job.c = null;
            }
            return;
        }
        if (!transA && !transB) CommonOps_DDRM.mult(a, b, out);
        else if (transA && !transB) CommonOps_DDRM.multTransA(a, b, out);
        else if (!transA) CommonOps_DDRM.multTransB(a, b, out);
        else CommonOps_DDRM.multTransAB(a, b, out);
    }
}
