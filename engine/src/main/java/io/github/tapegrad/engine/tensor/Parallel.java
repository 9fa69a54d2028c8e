package io.github.tapegrad.engine.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a row range over the calling thread and persistent worker threads (one per extra core).
 *
 * <p>Handing work to a thread pool costs tens of microseconds, a large part of one training step's product, so
 * workers spin briefly before parking and a hand-off allocates nothing. The range is cut into a few chunks per
 * thread that the threads take in turn, so a thread that the operating system (or the hypervisor) holds back
 * leaves its chunks to the others instead of making them wait; a worker that has not started by the time the
 * chunks are gone is called off. Only one split runs at a time: a caller that finds the workers busy (another
 * thread's split), or other threads inside kernels of their own, does its whole range itself. Splits never change
 * results: callers guarantee that each output row is computed the same way whichever thread computes it.
 *
 * <p><b>Lifecycle.</b> The workers are the engine's: its matrix products use them. They start with the first split
 * that needs them (never when a class loads), are daemon threads, park after about 0.2 ms without work, and
 * {@link #shutdown()} stops them; the next split starts them again. Row-parallel numeric work whose tasks call the
 * engine's kernels (evaluating a network over a data set in blocks, say) may split itself here too: its products then
 * run on their calling thread instead of fighting over the cores with a second pool.
 */
public final class Parallel {
    /** Work to be done on rows [from, to). */
    @FunctionalInterface
    public interface RangeTask {
        /** Does the work for rows [from, to). */
        void run(int from, int to);
    }

    private static final int THREADS = Settings.threads();
    /** Chunks per thread: enough to even out a late thread, few enough that taking one costs nothing. */
    static final int CHUNKS_PER_THREAD = 4;
    private static final AtomicBoolean BUSY = new AtomicBoolean();
    /** About 0.2 ms of spinning: longer than the gap between the products of one training step. */
    private static final int SPINS = 20_000;

    /**
     * Threads inside a kernel right now. NOTE: when more than one is, the caller's own threads already keep the cores
     * busy (a user running products on several threads), and workers joining in would only take turns with them.
     */
    private static final AtomicInteger IN_KERNEL = new AtomicInteger();

    /** The split in progress (guarded by {@link #BUSY}). */
    private static final AtomicInteger NEXT_CHUNK = new AtomicInteger();
    private static RangeTask task;
    private static int rows;
    private static int chunkRows;
    private static int chunks;

    /** The running workers, or null before the first split and after {@link #shutdown()}. Changed under {@link #BUSY}. */
    private static Worker[] workers;

    private Parallel() {}

    /** Number of threads a split uses, the caller included ({@code -Dtapegrad.threads=N}, default: the available cores). */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code task} over [0, rows) in contiguous chunks whose starts are multiples of {@code align}, spread over
     * the calling thread and the workers. Nested calls (from inside a task) and calls while another thread's split
     * is running do their whole range on the calling thread. A task's exception is rethrown.
     */
    public static void forRows(int rows, int align, RangeTask task) {
        int step = Math.max(1, align);
        int units = (rows + step - 1) / step;
        int wanted = Math.min(units, THREADS * CHUNKS_PER_THREAD);
        if (THREADS == 1 || units < 2 || IN_KERNEL.get() > 1 || !BUSY.compareAndSet(false, true)) {
            task.run(0, rows);
            return;
        }
        try {
            Parallel.task = task;
            Parallel.rows = rows;
            Parallel.chunkRows = (units + wanted - 1) / wanted * step;
            Parallel.chunks = (rows + chunkRows - 1) / chunkRows;
            NEXT_CHUNK.set(0);
            Worker[] workers = started();
            int helpers = Math.min(workers.length, chunks - 1);
            for (int w = 0; w < helpers; w++) workers[w].post();
            Throwable failure = null;
            try {
                runChunks();
            } catch (RuntimeException | Error e) {
                failure = e;
                NEXT_CHUNK.set(Integer.MAX_VALUE / 2);    // the others stop after their current chunk
            }
            for (int w = 0; w < helpers; w++) {
                Throwable t = workers[w].finish();
                if (failure == null) failure = t;
            }
            if (failure instanceof RuntimeException e) throw e;
            if (failure instanceof Error e) throw e;
            if (failure != null) throw new IllegalStateException(failure);
        } finally {
            Parallel.task = null;
            BUSY.set(false);
        }
    }

    /** The workers, started now if they are not running. Called with {@link #BUSY} held. */
    private static Worker[] started() {
        if (workers == null) {
            Worker[] ws = new Worker[THREADS - 1];
            for (int i = 0; i < ws.length; i++) {
                ws[i] = new Worker("tapegrad-gemm-" + (i + 1));
                ws[i].start();
            }
            workers = ws;
        }
        return workers;
    }

    /**
     * Stops the worker threads once the split in progress (if any) has finished, and waits for them to end. The next
     * split that needs workers starts new ones.
     */
    public static void shutdown() {
        while (!BUSY.compareAndSet(false, true)) Thread.onSpinWait();
        Worker[] ws;
        try {
            ws = workers;
            workers = null;
            if (ws != null) for (Worker w : ws) w.stopRunning();
        } finally {
            BUSY.set(false);
        }
        if (ws == null) return;
        for (Worker w : ws) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether worker threads are running (they are started by the first split that needs them). */
    public static boolean isRunning() {
        while (!BUSY.compareAndSet(false, true)) Thread.onSpinWait();
        try {
            return workers != null;
        } finally {
            BUSY.set(false);
        }
    }

    /** A kernel starts on the calling thread (pair with {@link #leaveKernel()} in a finally block). */
    static void enterKernel() {
        IN_KERNEL.incrementAndGet();
    }

    /** A kernel that {@link #enterKernel()} announced has ended. */
    static void leaveKernel() {
        IN_KERNEL.decrementAndGet();
    }

    /** Takes chunks of the current split until none is left. */
    private static void runChunks() {
        for (int c; (c = NEXT_CHUNK.getAndIncrement()) < chunks; ) {
            int from = c * chunkRows;
            task.run(from, Math.min(rows, from + chunkRows));
        }
    }

    private static final class Worker extends Thread {
        private static final int IDLE = 0;
        private static final int POSTED = 1;
        private static final int RUNNING = 2;
        /** IDLE → POSTED by the caller; POSTED → RUNNING by the worker, or POSTED → IDLE when the caller calls it off. */
        private final AtomicInteger state = new AtomicInteger(IDLE);
        private volatile boolean stopped;
        private Throwable failure;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        void post() {
            failure = null;
            state.set(POSTED);       // volatile write publishes the split's fields
            LockSupport.unpark(this);
        }

        /** Calls the worker off if it has not started, else waits until it is done; returns its failure. */
        Throwable finish() {
            if (state.compareAndSet(POSTED, IDLE)) return null;
            while (state.get() != IDLE) Thread.onSpinWait();
            return failure;
        }

        void stopRunning() {
            stopped = true;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (!stopped) {
                int spins = 0;
                while (state.get() != POSTED) {
                    if (stopped) return;
                    if (++spins < SPINS) Thread.onSpinWait();
                    else LockSupport.park(this);
                }
                if (!state.compareAndSet(POSTED, RUNNING)) continue;      // called off
                try {
                    runChunks();
                } catch (Throwable t) {
                    failure = t;
                    NEXT_CHUNK.set(Integer.MAX_VALUE / 2);
                }
                state.set(IDLE);     // volatile write publishes the results
            }
        }
    }
}
