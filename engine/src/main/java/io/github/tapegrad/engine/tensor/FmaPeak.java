package io.github.tapegrad.engine.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's float64 fused multiply-add throughput on one core, measured: independent FMA chains on the widest
 * vectors, as many as hide the FMA latency. The yardstick against which {@code bench} reports its products' GFLOP/s.
 * Loaded only when the {@code jdk.incubator.vector} module is present (see {@link Gemm#peakGflopsPerCore()}).
 */
final class FmaPeak {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    private FmaPeak() {}

    /** GFLOP/s (2 per lane per FMA) of one thread, the best of several timed runs of about 20 ms. */
    static double gflops() {
        double best = 0;
        long iterations = 200_000;
        for (int run = 0; run < 12; run++) {
            long t0 = System.nanoTime();
            double sink = chains(iterations);
            long ns = System.nanoTime() - t0;
            if (sink == 42.4242) best = -1;   // keeps the chains alive
            best = Math.max(best, 2.0 * 12 * S.length() * iterations / ns);
        }
        return best;
    }

    /** Twelve independent chains acc = acc·m + c: more than the FMA units' latency × throughput on current cores. */
    private static double chains(long n) {
        DoubleVector m = DoubleVector.broadcast(S, 0.999999);
        DoubleVector c = DoubleVector.broadcast(S, 1e-7);
        DoubleVector a0 = DoubleVector.broadcast(S, 1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        DoubleVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < n; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).reduceLanes(
                jdk.incubator.vector.VectorOperators.ADD);
    }
}
