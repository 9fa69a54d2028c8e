package io.github.tapegrad.engine.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a row range over the calling thread and persistent worker threads (one per extra core).
 *
 * <p>Handing work to a thread pool costs tens of microseconds, a large part of one training step's product, so
 * workers spin briefly before parking and a hand-off allocates nothing. Only one split runs at a time: a caller
 * that finds the workers busy (another thread's split) does its whole range itself. Splits never change results:
 * callers guarantee that each output row is computed the same way whichever thread computes it.
 */
public final class Parallel {
    /** Work to be done on rows [from, to). */
    @FunctionalInterface
    public interface RangeTask {
        /** Does the work for rows [from, to). */
        void run(int from, int to);
    }

    private static final int THREADS = Math.max(1, Integer.getInteger("tapegrad.threads",
            Runtime.getRuntime().availableProcessors()));
    private static final Worker[] WORKERS = new Worker[THREADS - 1];
    private static final AtomicBoolean BUSY = new AtomicBoolean();
    /** About 0.2 ms of spinning: longer than the gap between the products of one training step. */
    private static final int SPINS = 20_000;

    static {
        for (int i = 0; i < WORKERS.length; i++) {
            WORKERS[i] = new Worker("tapegrad-gemm-" + (i + 1));
            WORKERS[i].start();
        }
    }

    private Parallel() {}

    /** Number of threads a split uses, the caller included ({@code -Dtapegrad.threads=N}, default: the available cores). */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code task} over [0, rows) split in contiguous chunks whose starts are multiples of {@code align}, one per
     * thread, the calling thread taking the first. Nested calls (from inside a task) and calls while another thread's
     * split is running do their whole range on the calling thread. A task's exception is rethrown.
     */
    public static void forRows(int rows, int align, RangeTask task) {
        int parts = Math.min(THREADS, Math.max(1, rows / Math.max(1, align)));
        if (parts <= 1 || !BUSY.compareAndSet(false, true)) {
            task.run(0, rows);
            return;
        }
        try {
            int chunk = ((rows + parts - 1) / parts + align - 1) / align * align;
            int posted = 0;
            for (int w = 0; w < parts - 1; w++) {
                int from = Math.min(rows, (w + 1) * chunk);
                int to = Math.min(rows, from + chunk);
                if (from < to) {
                    WORKERS[w].post(task, from, to);
                    posted++;
                }
            }
            task.run(0, Math.min(rows, chunk));
            Throwable failure = null;
            for (int w = 0; w < posted; w++) {
                Throwable t = WORKERS[w].await();
                if (failure == null) failure = t;
            }
            if (failure instanceof RuntimeException e) throw e;
            if (failure instanceof Error e) throw e;
            if (failure != null) throw new IllegalStateException(failure);
        } finally {
            BUSY.set(false);
        }
    }

    private static final class Worker extends Thread {
        private volatile long posted;
        private volatile long done;
        private RangeTask task;
        private int from;
        private int to;
        private Throwable failure;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        void post(RangeTask t, int f, int e) {
            task = t;
            from = f;
            to = e;
            failure = null;
            posted = posted + 1;     // volatile write publishes the fields above
            LockSupport.unpark(this);
        }

        Throwable await() {
            long target = posted;
            while (done != target) Thread.onSpinWait();
            task = null;
            return failure;
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                int spins = 0;
                long p;
                while ((p = posted) == seen) {
                    if (++spins < SPINS) Thread.onSpinWait();
                    else LockSupport.park(this);
                }
                seen = p;
                try {
                    task.run(from, to);
                } catch (Throwable t) {
                    failure = t;
                }
                done = p;            // volatile write publishes the results
            }
        }
    }
}
