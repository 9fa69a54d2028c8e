package io.github.tapegrad.engine.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.engine.testing.TensorGens;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * {@link Tape#gradientsInto}: the caller's buffers end up holding exactly what {@link Tape#gradients} returns, whether a
 * custom op wrote into a buffer or the tape copied the gradient in, and a buffer is offered only where writing into it
 * is safe.
 */
class GradientsIntoTest {

    /**
     * x·W as a custom op whose rule writes into the offered buffers, and records which inputs were offered one. The
     * products are plain loops, so the two paths compute every value by the same sums in the same order.
     */
    private static final class MatMulOp implements CustomOp {
        final List<boolean[]> offers = new ArrayList<>();

        @Override
        public String name() {
            return "matmulInto";
        }

        @Override
        public Result forward(Tensor[] in) {
            Tensor x = in[0];
            Tensor w = in[1];
            return new Result(x.matmul(w), new Backward() {
                @Override
                public Tensor[] vjp(Tensor g, boolean[] needs) {
                    return vjp(g, needs, new DMatrixRMaj[2]);
                }

                @Override
                public Tensor[] vjp(Tensor g, boolean[] needs, DMatrixRMaj[] into) {
                    offers.add(new boolean[] {into[0] != null, into[1] != null});
                    Tensor dx = needs[0] ? product(g, w, false, true, into[0]) : null;
                    Tensor dw = needs[1] ? product(x, g, true, false, into[1]) : null;
                    return new Tensor[] {dx, dw};
                }
            });
        }

        /** op(a)·op(b) into {@code out} (or a fresh matrix), by the definition. */
        private static Tensor product(Tensor a, Tensor b, boolean ta, boolean tb, DMatrixRMaj out) {
            DMatrixRMaj am = a.matrixView();
            DMatrixRMaj bm = b.matrixView();
            int m = ta ? am.numCols : am.numRows;
            int k = ta ? am.numRows : am.numCols;
            int n = tb ? bm.numRows : bm.numCols;
            DMatrixRMaj c = out != null ? out : new DMatrixRMaj(1, 1);
            c.reshape(m, n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += (ta ? am.get(p, i) : am.get(i, p)) * (tb ? bm.get(j, p) : bm.get(p, j));
                    c.set(i, j, s);
                }
            }
            return Tensor.wrap(c);
        }
    }

    /** The same x·W whose rule ignores buffers (the default), so that the tape must copy. */
    private static final CustomOp MATMUL_FRESH = CustomOp.of("matmulFresh", in -> {
        Tensor x = in[0];
        Tensor w = in[1];
        return new CustomOp.Result(x.matmul(w), (g, needs) -> new Tensor[] {
                needs[0] ? MatMulOp.product(g, w, false, true, null) : null,
                needs[1] ? MatMulOp.product(x, g, true, false, null) : null});
    });

    private static DMatrixRMaj garbage(int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        java.util.Arrays.fill(m.data, Double.NaN);
        return m;
    }

    /**
     * Random two-layer graphs: the products through the buffer-writing op or the copying one, W used by one product or
     * by two (then its buffer must not be offered), x tracked or constant, an unused variable, and a rank-3 variable.
     * Every buffer must equal the plain gradient bit for bit, and have the value's matrix shape.
     */
    /**
     * A variable read by the output's own op and by one other op has two users, not one: a buffer offered to both rules
     * would be written by one while the other's result still lives in it. W feeds an inner product and the output
     * product r·W (1×1); the buffer must hold what {@link Tape#gradients} computes.
     */
    @Test
    void theOutputOpCountsAsAUser() {
        Tape tape = new Tape();
        Var w = tape.variable("W", Tensor.matrix(new double[][] {{0.5}, {-1}, {2}}));
        Var x = tape.constant(Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5, 6}}));
        Var row = tape.constant(Tensor.matrix(new double[][] {{1, -2, 3}}));
        Var inner = x.matmul(w).sum();
        Var out = row.mul(inner).matmul(w);
        Tensor expected = tape.gradients(out, w).get(w);
        DMatrixRMaj into = new DMatrixRMaj(1, 1);
        tape.gradientsInto(out, new Var[] {w}, new DMatrixRMaj[] {into});
        assertArrayEquals(expected.toArray(), java.util.Arrays.copyOf(into.data, 3), 1e-12, "dW into the buffer vs plain gradients");
    }

    @Test
    void buffersHoldExactlyThePlainGradients() {
        // 300 examples: each builds a graph of a few tiny tensors; five flags give 32 structural cases, and the
        // primitive's cases draw one of its four transpose forms
        TensorGens.qt(300).forAll(longs().all(), integers().between(0, 31)).checkAssert((seed, flags) -> {
            boolean writes = (flags & 1) != 0;
            boolean wTwice = (flags & 2) != 0;
            boolean xTracked = (flags & 4) != 0;
            boolean startWithGarbage = (flags & 8) != 0;
            boolean primitive = (flags & 16) != 0;
            Random r = new Random(seed);
            int n = 1 + r.nextInt(5);
            int d = 1 + r.nextInt(6);
            int h = 1 + r.nextInt(4);
            MatMulOp into = new MatMulOp();
            Tape tape = new Tape();
            // the matmul primitive reads x and W in stored form, transposed as flagged
            boolean transX = primitive && r.nextBoolean();
            boolean transW = primitive && r.nextBoolean();
            Tensor xv = transX ? Tensor.uniform(r.nextLong(), -1, 1, d, n) : Tensor.uniform(r.nextLong(), -1, 1, n, d);
            Var x = xTracked ? tape.variable("x", xv) : tape.constant(xv);
            Var w = tape.variable("W", transW ? Tensor.uniform(r.nextLong(), -1, 1, h, d) : Tensor.uniform(r.nextLong(), -1, 1, d, h));
            Var b = tape.variable("b", Tensor.uniform(r.nextLong(), -1, 1, h));
            Var unused = tape.variable("unused", Tensor.uniform(r.nextLong(), -1, 1, 2, 3));
            Var cube = tape.variable("cube", Tensor.uniform(r.nextLong(), -1, 1, 2, n, h));
            Var product = primitive ? x.matmul(w, transX, transW) : writes ? tape.apply(into, x, w) : tape.apply(MATMUL_FRESH, x, w);
            Var hidden = product.add(b).tanh();
            // a second product with W: two rules writing the same buffer would corrupt the sum of their gradients
            if (wTwice) {
                Var other = tape.constant(transX ? Tensor.uniform(r.nextLong(), -1, 1, d, n) : Tensor.uniform(r.nextLong(), -1, 1, n, d));
                hidden = hidden.add(primitive ? other.matmul(w, transX, transW) : tape.apply(writes ? into : MATMUL_FRESH, other, w));
            }
            Var loss = hidden.mul(cube).sum().add(hidden.mul(hidden).sum());
            Var[] wrt = xTracked ? new Var[] {w, b, unused, cube, x} : new Var[] {w, b, unused, cube};
            Gradients plain = tape.gradients(loss, wrt);
            DMatrixRMaj[] buffers = new DMatrixRMaj[wrt.length];
            for (int i = 0; i < wrt.length; i++) buffers[i] = startWithGarbage ? garbage(3, 7) : new DMatrixRMaj(1, 1);
            int plainCalls = into.offers.size();
            tape.gradientsInto(loss, wrt, buffers);
            for (int i = 0; i < wrt.length; i++) {
                DMatrixRMaj expected = plain.get(wrt[i]).matrixView();
                DMatrixRMaj actual = buffers[i];
                String what = wrt[i] + " (writes=" + writes + ", primitive=" + primitive + " transX=" + transX + " transW="
                        + transW + ", wTwice=" + wTwice + ", xTracked=" + xTracked + ")";
                assertEquals(expected.numRows, actual.numRows, what + ": rows");
                assertEquals(expected.numCols, actual.numCols, what + ": cols");
                for (int k = 0; k < expected.getNumElements(); k++) {
                    int at = k;
                    assertTrue(Double.compare(expected.data[k], actual.data[k]) == 0, () -> what + ": at flat index " + at
                            + " buffer " + actual.data[at] + " but gradients() " + expected.data[at]);
                }
            }
            if (writes && !primitive) {
                // in reverse order: the second product (when there is one) first, then the first, which reads x
                boolean[] first = into.offers.get(into.offers.size() - 1);
                assertEquals(xTracked, first[0], "x, a single-user variable, gets its buffer when it is tracked");
                for (boolean[] offer : into.offers.subList(plainCalls, into.offers.size())) {
                    assertEquals(!wTwice, offer[1], "W gets its buffer only when one op uses it");
                }
            }
        });
    }

    /**
     * The matmul primitive writes W's gradient straight into its buffer: a plain request allocates the gradient (at least
     * W's 28,800 bytes), gradientsInto allocates less than W. Bytes counted by HotSpot for this thread. NOTE: 1×40 by
     * 40×90 is 3,600 multiply-adds, under the vector kernel's threshold: products run EJML's kernel, which allocates
     * nothing, while the vector kernel allocates per operation until the JIT has compiled it.
     */
    @Test
    void theMatMulPrimitiveWritesTheWeightGradientIntoItsBuffer() {
        Tensor xv = Tensor.uniform(1, -1, 1, 1, 40);
        Tensor wv = Tensor.uniform(2, -1, 1, 40, 90);
        long weightBytes = 8L * 40 * 90;
        DMatrixRMaj buffer = new DMatrixRMaj(40, 90);
        long plain = Long.MAX_VALUE;
        long into = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {   // the smallest of five: the first calls load classes
            Tape tape = new Tape();
            Var w = tape.variable("W", wv);
            Var loss = tape.constant(xv).matmul(w).sum();
            long a0 = allocated();
            Gradients g = tape.gradients(loss, w);
            long a1 = allocated();
            tape.gradientsInto(loss, new Var[] {w}, new DMatrixRMaj[] {buffer});
            long a2 = allocated();
            plain = Math.min(plain, a1 - a0);
            into = Math.min(into, a2 - a1);
            assertArrayEquals(g.get(w).matrixView().data, buffer.data, 0.0, "gradientsInto against gradients");
        }
        assertTrue(plain >= weightBytes, "a plain request allocates the gradient: " + plain + " bytes");
        assertTrue(into < weightBytes, "gradientsInto allocated " + into + " bytes, at least W's " + weightBytes);
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    @Test
    void aBufferIsNotOfferedForAnIntermediateValueOrToAPlainRequest() {
        MatMulOp op = new MatMulOp();
        Tape tape = new Tape();
        Var x = tape.variable("x", Tensor.uniform(1, -1, 1, 3, 4));
        Var w = tape.variable("W", Tensor.uniform(2, -1, 1, 4, 2));
        Var hidden = x.tanh();
        Var loss = tape.apply(op, hidden, w).sum();
        tape.gradientsInto(loss, new Var[] {hidden, w}, new DMatrixRMaj[] {new DMatrixRMaj(1, 1), new DMatrixRMaj(1, 1)});
        assertArrayEquals(new boolean[] {false, true}, op.offers.get(0), "an op's output is not a variable: copied, not offered");
        tape.gradients(loss, w);
        assertArrayEquals(new boolean[] {false, false}, op.offers.get(1), "gradients() offers nothing");
    }

    @Test
    void anUnusedVariableGetsZerosInItsBufferWhateverItHeld() {
        Tape tape = new Tape();
        Var x = tape.variable("x", Tensor.scalar(3));
        Var unused = tape.variable("unused", Tensor.uniform(3, -1, 1, 2, 2, 3));
        DMatrixRMaj dx = garbage(5, 5);
        DMatrixRMaj dUnused = garbage(1, 1);
        tape.gradientsInto(x.mul(x), new Var[] {x, unused}, new DMatrixRMaj[] {dx, dUnused});
        assertEquals(6.0, dx.get(0, 0), 0.0);
        assertEquals(4, dUnused.numRows, "a rank-3 value's buffer has rows = product of the leading dimensions");
        assertEquals(3, dUnused.numCols);
        for (int k = 0; k < 12; k++) assertEquals(0.0, dUnused.data[k], 0.0, "index " + k);
    }

    @Test
    void badRequestsAreRejectedWithTheReason() {
        Tape tape = new Tape();
        Var x = tape.variable("x", Tensor.vector(1, 2));
        Var y = tape.variable("y", Tensor.vector(3, 4));
        Var product = x.mul(y);
        Var loss = product.sum();
        DMatrixRMaj a = new DMatrixRMaj(1, 1);
        DMatrixRMaj b = new DMatrixRMaj(1, 1);
        assertMessage(() -> tape.gradientsInto(loss, new Var[] {x, y}, new DMatrixRMaj[] {a}), "2 values but 1 buffers");
        assertMessage(() -> tape.gradientsInto(loss, new Var[] {x, y}, new DMatrixRMaj[] {a, null}), "buffer 1");
        assertMessage(() -> tape.gradientsInto(loss, new Var[] {x, y}, new DMatrixRMaj[] {a, a}), "same matrix");
        assertMessage(() -> tape.gradientsInto(loss, new Var[] {x, x}, new DMatrixRMaj[] {a, b}), "listed twice");
        assertMessage(() -> tape.gradientsInto(loss, new Var[] {x, y}, new DMatrixRMaj[] {a, y.value().matrixView()}),
                "storage of");
        DMatrixRMaj sharing = new DMatrixRMaj(1, 1);
        sharing.data = product.value().matrixView().data;
        assertMessage(() -> tape.gradientsInto(loss, new Var[] {x, y}, new DMatrixRMaj[] {sharing, b}), "storage of");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
