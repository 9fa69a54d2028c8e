package io.github.tapegrad.nn.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.github.tapegrad.engine.testing.TensorGens.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.tapegrad.engine.autodiff.Gradients;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** The fused Affine op under {@link Tape#gradientsInto}: the same gradients, and W's written without allocating it. */
class FusedAffineIntoTest {

    private static Var[] network(Tape tape, long seed, int n, int d, int m, boolean xTracked, boolean rank1Bias) {
        Random r = new Random(seed);
        Tensor xv = Tensor.uniform(r.nextLong(), -1, 1, n, d);
        Var x = xTracked ? tape.variable("x", xv) : tape.constant(xv);
        Var w = tape.variable("W", Tensor.uniform(r.nextLong(), -1, 1, d, m));
        Var b = tape.variable("b", rank1Bias ? Tensor.uniform(r.nextLong(), -1, 1, m) : Tensor.uniform(r.nextLong(), -1, 1, 1, m));
        Var loss = FusedLayers.relu(FusedLayers.affine(x, w, b)).mul(tape.constant(Tensor.uniform(r.nextLong(), -1, 1, n, m))).sum();
        return xTracked ? new Var[] {loss, w, b, x} : new Var[] {loss, w, b};
    }

    @Test
    void buffersHoldTheGradientsOfAPlainRequestBitForBit() {
        // 100 examples over shapes up to 9×40·40×12, with x tracked or not and b of shape (M) or (1×M)
        qt(100).forAll(longs().all(), integers().between(1, 9), integers().between(1, 40), integers().between(0, 47))
                .checkAssert((seed, n, d, mFlags) -> {
                    int m = 1 + mFlags / 4;
                    boolean xTracked = (mFlags & 1) != 0;
                    boolean rank1Bias = (mFlags & 2) != 0;
                    Tape tape = new Tape();
                    Var[] net = network(tape, seed, n, d, m, xTracked, rank1Bias);
                    Var[] wrt = java.util.Arrays.copyOfRange(net, 1, net.length);
                    Gradients plain = tape.gradients(net[0], wrt);
                    DMatrixRMaj[] into = new DMatrixRMaj[wrt.length];
                    for (int i = 0; i < into.length; i++) into[i] = new DMatrixRMaj(1, 1);
                    tape.gradientsInto(net[0], wrt, into);
                    for (int i = 0; i < wrt.length; i++) {
                        DMatrixRMaj expected = plain.get(wrt[i]).matrixView();
                        String what = wrt[i] + " of Affine (" + n + "x" + d + ")·(" + d + "x" + m + "), x tracked " + xTracked
                                + ", b rank " + (rank1Bias ? 1 : 2);
                        assertEquals(expected.numRows, into[i].numRows, what);
                        assertEquals(expected.numCols, into[i].numCols, what);
                        for (int k = 0; k < expected.getNumElements(); k++) {
                            int at = k;
                            DMatrixRMaj got = into[i];
                            assertTrue(Double.compare(expected.data[k], got.data[k]) == 0,
                                    () -> what + ": at flat index " + at + " buffer " + got.data[at] + " but gradients() " + expected.data[at]);
                        }
                    }
                });
    }

    /**
     * W is 40×90 (28,800 bytes). A plain request allocates its gradient; gradientsInto lets the op write it into the
     * caller's buffer, so the request allocates less than W's size (the rest: the small douts and the bookkeeping).
     * NOTE: the shapes keep every product below the vector kernel's threshold: until the JIT compiles that kernel, its
     * vector operations allocate, which would drown the figure.
     */
    @Test
    void theWeightGradientIsWrittenStraightIntoTheBuffer() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long wBytes = 40L * 90 * Double.BYTES;
        DMatrixRMaj[] into = {new DMatrixRMaj(40, 90), new DMatrixRMaj(1, 90)};
        long intoBytes = Long.MAX_VALUE;
        long plainBytes = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {      // the first round loads classes
            Tape tape = new Tape();
            Var[] net = network(tape, 11, 1, 40, 90, false, true);
            long a0 = bean.getCurrentThreadAllocatedBytes();
            tape.gradientsInto(net[0], new Var[] {net[1], net[2]}, into);
            long a1 = bean.getCurrentThreadAllocatedBytes();
            tape.gradients(net[0], net[1], net[2]);
            long a2 = bean.getCurrentThreadAllocatedBytes();
            intoBytes = Math.min(intoBytes, a1 - a0);
            plainBytes = Math.min(plainBytes, a2 - a1);
        }
        assertTrue(plainBytes >= wBytes, "a plain request allocates W's gradient: " + plainBytes + " bytes");
        assertTrue(intoBytes < wBytes, "gradientsInto allocated " + intoBytes + " bytes, at least W's " + wBytes
                + ": the fused Affine did not write into the buffer");
    }
}
