package io.github.tapegrad.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The split covers every row exactly once, in aligned chunks, and passes failures on. */
class ParallelTest {

    @Test
    void everyRowOnceInAlignedChunks() {
        for (int rows = 0; rows <= 130; rows++) {
            for (int align = 1; align <= 7; align++) {
                AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(1, rows));
                int r = rows;
                int a = align;
                Parallel.forRows(rows, align, (from, to) -> {
                    assertEquals(0, from % a, () -> "chunk start " + from + " not a multiple of " + a);
                    assertTrue((from < to || r == 0) && to <= r, () -> "chunk [" + from + ", " + to + ") of " + r + " rows");
                    for (int i = from; i < to; i++) seen.incrementAndGet(i);
                });
                for (int i = 0; i < rows; i++) assertEquals(1, seen.get(i), "rows=" + rows + " align=" + align + ": row " + i);
            }
        }
    }

    /** Many short splits in a row: a worker called off before it started must never run a later split's chunks twice. */
    @Test
    void manyShortSplitsStayExact() {
        AtomicIntegerArray seen = new AtomicIntegerArray(24);
        for (int round = 1; round <= 20_000; round++) {
            Parallel.forRows(24, 1, (from, to) -> {
                for (int i = from; i < to; i++) seen.incrementAndGet(i);
            });
            for (int i = 0; i < 24; i++) assertEquals(round, seen.get(i), "round " + round + ", row " + i);
        }
    }

    @Test
    void nestedSplitsRunInline() {
        AtomicIntegerArray seen = new AtomicIntegerArray(40 * 10);
        Parallel.forRows(40, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                int row = i;
                Parallel.forRows(10, 1, (f, t) -> {
                    for (int j = f; j < t; j++) seen.incrementAndGet(row * 10 + j);
                });
            }
        });
        for (int i = 0; i < 400; i++) assertEquals(1, seen.get(i), "cell " + i);
    }

    @Test
    void aFailureIsRethrownAndTheNextSplitWorks() {
        IllegalStateException boom = new IllegalStateException("boom");
        for (int failing : new int[] {0, 63}) {
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Parallel.forRows(64, 1, (from, to) -> {
                if (from <= failing && failing < to) throw boom;
            }));
            assertSame(boom, thrown);
        }
        AtomicIntegerArray seen = new AtomicIntegerArray(64);
        Parallel.forRows(64, 1, (from, to) -> {
            for (int i = from; i < to; i++) seen.incrementAndGet(i);
        });
        for (int i = 0; i < 64; i++) assertEquals(1, seen.get(i), "row " + i);
    }

    /** The workers have an explicit lifecycle: shutdown stops them, and the next split that needs them starts new ones. */
    @Test
    void shutdownStopsTheWorkersAndTheNextSplitStartsThemAgain() throws InterruptedException {
        if (Parallel.threads() < 2) return;   // a one-thread machine has no workers to stop
        int[] sum = new int[1];
        Parallel.forRows(64, 1, (from, to) -> {
            synchronized (sum) {
                sum[0] += to - from;
            }
        });
        assertTrue(Parallel.isRunning());
        Parallel.shutdown();
        assertTrue(!Parallel.isRunning());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("tapegrad-gemm-") && t.isAlive()),
                "no worker thread is left");
        Parallel.shutdown();   // a second shutdown does nothing
        int[] again = new int[1];
        Parallel.forRows(64, 1, (from, to) -> {
            synchronized (again) {
                again[0] += to - from;
            }
        });
        assertEquals(64, again[0]);
        assertTrue(Parallel.isRunning());
    }

    /** The measured FMA peak is a plausible number: above 1 GFLOP/s on any machine that runs the vector kernel. */
    @Test
    void thePeakIsMeasured() {
        double peak = Gemm.peakGflopsPerCore();
        if (Gemm.vectorKernel()) assertTrue(peak > 1 && peak < 10_000, "peak " + peak);
    }
}
