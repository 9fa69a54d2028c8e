package io.github.tapegrad.engine.tensor;

/**
 * The engine's system properties, read strictly: a value that is set but not understood is an error naming the
 * property, the value and what it accepts, never silently ignored or clamped.
 * <ul>
 *   <li>{@code -Dtapegrad.threads=N}: threads a matrix product may use, the caller's included; 1 to 1024 (default: the
 *       available cores).</li>
 *   <li>{@code -Dtapegrad.gemm=vector|ejml}: the product kernel; {@code ejml} switches the Vector API kernel off
 *       (default: {@code vector} when the {@code jdk.incubator.vector} module is present).</li>
 * </ul>
 */
public final class Settings {
    private Settings() {}

    /** Reads every property now, so that a program can report a bad one before it starts working. */
    public static void check() {
        threads();
        vectorKernelWanted();
    }

    /** {@code -Dtapegrad.threads}, or the available cores. */
    static int threads() {
        String v = System.getProperty("tapegrad.threads");
        if (v == null) return Runtime.getRuntime().availableProcessors();
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= 1024) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException("-Dtapegrad.threads=" + v + ": expected a whole number of threads from 1 to 1024");
    }

    /** False when {@code -Dtapegrad.gemm=ejml}. */
    static boolean vectorKernelWanted() {
        String v = System.getProperty("tapegrad.gemm");
        if (v == null || v.trim().equalsIgnoreCase("vector")) return true;
        if (v.trim().equalsIgnoreCase("ejml")) return false;
        throw new IllegalStateException("-Dtapegrad.gemm=" + v + ": expected vector or ejml");
    }
}
