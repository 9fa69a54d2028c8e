package io.github.tapegrad.engine.tensor;

/**
 * The first maximum across equal blocks of an array: for o in [0, len), over the blocks b = 0 … blocks−1 of
 * {@code src[from + b·len + o]}, the largest value and the first block holding it. "Larger" is a strict {@code >}, so
 * ties keep the earlier block and a NaN is kept only when it comes first (as {@code np.argmax} on the same order
 * picks the first of equal values). Max pooling over windows that tile their input is this, once each window's
 * entries are laid out block by block.
 *
 * <p>With the Vector API the comparison and selection run on whole vectors (a branch per value would be
 * mispredicted half the time: which entry of a window is largest is a coin toss).
 */
public final class BlockMax {
    private static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && Settings.vectorKernelWanted() && Vectorised.pays();

    private BlockMax() {}

    /**
     * @param src   the blocks, {@code blocks·len} values from {@code from}. Not modified.
     * @param max   receives the maxima at [maxFrom, maxFrom + len)
     * @param which receives each maximum's block at [maxFrom, maxFrom + len)
     */
    public static void firstMax(double[] src, int from, int blocks, int len, double[] max, int[] which, int maxFrom) {
        if (blocks < 1 || len < 0) throw new IllegalArgumentException("firstMax: " + blocks + " blocks of " + len);
        if (VECTOR) Vectorised.firstMax(src, from, blocks, len, max, which, maxFrom);
        else scalar(src, from, blocks, len, max, which, maxFrom, 0);
    }

    /** The reference loop, from {@code start} on: the vector path's tail and its definition. */
    static void scalar(double[] src, int from, int blocks, int len, double[] max, int[] which, int maxFrom, int start) {
        for (int o = start; o < len; o++) {
            double best = src[from + o];
            int at = 0;
            for (int b = 1; b < blocks; b++) {
                double v = src[from + b * len + o];
                if (v > best) {
                    best = v;
                    at = b;
                }
            }
            max[maxFrom + o] = best;
            which[maxFrom + o] = at;
        }
    }

    /** Loaded only when the module is present, so that its absence never causes a linkage error. */
    private static final class Vectorised {
        /**
         * Whether vectors hold at least 4 doubles. NOTE: with 2 (128-bit vectors, as under -XX:MaxVectorSize=16) Java
         * 17's JIT left the compare's mask as an object: about 1 MB per SimpleConvNet step, and two lanes would gain
         * little over the scalar loop anyway.
         */
        static boolean pays() {
            return BlockMaxVector.lanes() >= 4;
        }

        static void firstMax(double[] src, int from, int blocks, int len, double[] max, int[] which, int maxFrom) {
            BlockMaxVector.firstMax(src, from, blocks, len, max, which, maxFrom);
        }
    }
}
