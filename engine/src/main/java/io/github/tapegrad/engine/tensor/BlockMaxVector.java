package io.github.tapegrad.engine.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link BlockMax} on whole vectors: compare, then blend the value and the block number. */
final class BlockMaxVector {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Per thread: the block numbers of one vector, as doubles (the lanes the blend works in). */
    private static final ThreadLocal<double[]> LANES = ThreadLocal.withInitial(() -> new double[L]);

    private BlockMaxVector() {}

    static int lanes() {
        return L;
    }

    static void firstMax(double[] src, int from, int blocks, int len, double[] max, int[] which, int maxFrom) {
        double[] lanes = LANES.get();
        int vectors = len - len % L;
        for (int o = 0; o < vectors; o += L) {
            DoubleVector best = DoubleVector.fromArray(S, src, from + o);
            DoubleVector at = DoubleVector.zero(S);
            for (int b = 1; b < blocks; b++) {
                DoubleVector v = DoubleVector.fromArray(S, src, from + b * len + o);
                // NOTE: GT is false when either side is NaN, as the scalar v > best is
                VectorMask<Double> larger = v.compare(VectorOperators.GT, best);
                best = best.blend(v, larger);
                at = at.blend(b, larger);
            }
            best.intoArray(max, maxFrom + o);
            at.intoArray(lanes, 0);
            for (int t = 0; t < L; t++) which[maxFrom + o + t] = (int) lanes[t];
        }
        BlockMax.scalar(src, from, blocks, len, max, which, maxFrom, vectors);
    }
}
