package io.github.tapegrad.engine.tensor;

import static io.github.tapegrad.engine.testing.TensorGens.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The first maximum across blocks, on vectors and in its scalar tail, against the plain loop that defines it. */
class BlockMaxTest {

    /**
     * 300 random cases: 1–5 blocks of 0–40 values (every tail length for 2, 4 and 8 lanes), values drawn from a few
     * levels so that ties are common, NaN and ±∞ sprinkled in, written at an offset into larger arrays.
     */
    @Test
    void theFirstMaximumWinsTiesAndNaNOnlyFirst() {
        qt(300).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int blocks = 1 + r.nextInt(5);
            int len = r.nextInt(41);
            int from = r.nextInt(3);
            int maxFrom = r.nextInt(3);
            double[] src = new double[from + blocks * len + 2];
            double[] levels = {-1.5, 0.0, -0.0, 2.0, 2.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
            for (int i = 0; i < src.length; i++) src[i] = r.nextInt(3) == 0 ? levels[r.nextInt(levels.length)] : r.nextInt(4) - 1.0;
            double[] max = new double[maxFrom + len + 1];
            int[] which = new int[maxFrom + len + 1];
            BlockMax.firstMax(src, from, blocks, len, max, which, maxFrom);
            for (int o = 0; o < len; o++) {
                double best = src[from + o];
                int at = 0;
                for (int b = 1; b < blocks; b++) {
                    double v = src[from + b * len + o];
                    if (v > best) {
                        best = v;
                        at = b;
                    }
                }
                String where = blocks + " blocks of " + len + ", position " + o;
                assertEquals(Double.doubleToRawLongBits(best), Double.doubleToRawLongBits(max[maxFrom + o]), where + ": value");
                assertEquals(at, which[maxFrom + o], where + ": block");
            }
            assertEquals(0.0, max.length > maxFrom + len ? max[maxFrom + len] : 0.0, 0.0, "nothing written past the end");
        });
    }

    @Test
    void aWindowOfFourAsPoolingSeesIt() {
        // four blocks (the entries of 2x2 windows) of three windows each
        double[] src = {1, 5, -2, /* */ 3, 5, -1, /* */ 3, 7, Double.NaN, /* */ 0, 7, -1};
        double[] max = new double[3];
        int[] which = new int[3];
        BlockMax.firstMax(src, 0, 4, 3, max, which, 0);
        assertArrayEquals(new double[] {3, 7, -1}, max, 0.0);
        assertArrayEquals(new int[] {1, 2, 1}, which, "ties keep the first; a NaN that is not first never wins");
        assertThrows(IllegalArgumentException.class, () -> BlockMax.firstMax(src, 0, 0, 3, max, which, 0));
    }
}
