package io.github.tapegrad.engine.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.tapegrad.engine.tensor.Gemm;
import io.github.tapegrad.engine.tensor.RawStorage;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.engine.testing.TensorGens;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * {@link GradientRequest}: a request is a value; its forms give what the old boolean-flag walk gave, and
 * {@link GradientRequest#copyInto} leaves in the caller's matrices exactly what the returned gradients hold.
 */
class GradientRequestTest {

    /** x·W as a custom op whose output and gradients live in the tape's arena. */
    private static final CustomOp MATMUL_OP = CustomOp.withArena("matmulInArena", (in, arena) -> {
        DMatrixRMaj x = RawStorage.read(in[0]);
        DMatrixRMaj w = RawStorage.read(in[1]);
        DMatrixRMaj out = arena.matrix(x.numRows, w.numCols);
        Gemm.mult(x, false, w, false, out);
        return new CustomOp.Result(arena.tensor(out, "matmulInArena", out.numRows, out.numCols), (g, needs) -> {
            DMatrixRMaj gm = RawStorage.read(g);
            DMatrixRMaj dx = arena.matrix(x.numRows, x.numCols);
            DMatrixRMaj dw = arena.matrix(w.numRows, w.numCols);
            Gemm.mult(gm, false, w, true, dx);
            Gemm.mult(x, true, gm, false, dw);
            return new Tensor[] {arena.tensor(dx, "matmulInArena dx", dx.numRows, dx.numCols),
                    arena.tensor(dw, "matmulInArena dW", dw.numRows, dw.numCols)};
        });
    });

    private static DMatrixRMaj garbage(int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        java.util.Arrays.fill(m.data, Double.NaN);
        return m;
    }

    /**
     * Random two-layer graphs: the product as the matmul primitive (any transpose form) or a custom op, W used by one
     * product or two, x tracked or constant, an unused variable and a rank-3 one. Every buffer must equal the plain
     * gradient bit for bit, and have the value's matrix shape, whatever it held before.
     */
    @Test
    void copiedGradientsAreExactlyThePlainOnes() {
        // 300 examples: each builds a graph of a few tiny tensors; four flags give 16 structural cases
        TensorGens.qt(300).forAll(longs().all(), integers().between(0, 15)).checkAssert((seed, flags) -> {
            boolean wTwice = (flags & 1) != 0;
            boolean xTracked = (flags & 2) != 0;
            boolean startWithGarbage = (flags & 4) != 0;
            boolean primitive = (flags & 8) != 0;
            Random r = new Random(seed);
            int n = 1 + r.nextInt(5);
            int d = 1 + r.nextInt(6);
            int h = 1 + r.nextInt(4);
            Tape tape = new Tape();
            boolean transX = primitive && r.nextBoolean();
            boolean transW = primitive && r.nextBoolean();
            Tensor xv = transX ? Tensor.uniform(r.nextLong(), -1, 1, d, n) : Tensor.uniform(r.nextLong(), -1, 1, n, d);
            Var x = xTracked ? tape.variable("x", xv) : tape.constant(xv);
            Var w = tape.variable("W", transW ? Tensor.uniform(r.nextLong(), -1, 1, h, d) : Tensor.uniform(r.nextLong(), -1, 1, d, h));
            Var b = tape.variable("b", Tensor.uniform(r.nextLong(), -1, 1, h));
            Var unused = tape.variable("unused", Tensor.uniform(r.nextLong(), -1, 1, 2, 3));
            Var cube = tape.variable("cube", Tensor.uniform(r.nextLong(), -1, 1, 2, n, h));
            Var hidden = (primitive ? x.matmul(w, transX, transW) : tape.apply(MATMUL_OP, x, w)).add(b).tanh();
            if (wTwice) {
                Var other = tape.constant(transX ? Tensor.uniform(r.nextLong(), -1, 1, d, n) : Tensor.uniform(r.nextLong(), -1, 1, n, d));
                hidden = hidden.add(primitive ? other.matmul(w, transX, transW) : tape.apply(MATMUL_OP, other, w));
            }
            Var loss = hidden.mul(cube).sum().add(hidden.mul(hidden).sum());
            Var[] wrt = xTracked ? new Var[] {w, b, unused, cube, x} : new Var[] {w, b, unused, cube};
            Gradients plain = tape.gradients(loss, wrt);
            DMatrixRMaj[] buffers = new DMatrixRMaj[wrt.length];
            for (int i = 0; i < wrt.length; i++) buffers[i] = startWithGarbage ? garbage(3, 7) : new DMatrixRMaj(1, 1);
            tape.gradients(GradientRequest.of(loss, wrt).copyInto(buffers));
            for (int i = 0; i < wrt.length; i++) {
                Tensor expected = plain.get(wrt[i]);
                DMatrixRMaj actual = buffers[i];
                String what = wrt[i] + " (primitive=" + primitive + " transX=" + transX + " transW=" + transW + ", wTwice="
                        + wTwice + ", xTracked=" + xTracked + ")";
                int[] shape = expected.shape();
                assertEquals(expected.size() / shape[shape.length - 1], actual.numRows, what + ": rows");
                assertEquals(shape[shape.length - 1], actual.numCols, what + ": cols");
                for (int k = 0; k < expected.size(); k++) {
                    int at = k;
                    assertTrue(Double.compare(expected.getFlat(k), actual.data[k]) == 0, () -> what + ": at flat index " + at
                            + " buffer " + actual.data[at] + " but gradients() " + expected.getFlat(at));
                }
            }
        });
    }

    @Test
    void theFormsOfARequestGiveWhatTheShortcutsGive() {
        Tape tape = new Tape();
        Var x = tape.variable("x", Tensor.vector(0.5, -2));
        Var y = x.mul(x).mul(x);
        Tensor seed = Tensor.vector(1, 3);
        assertEquals(tape.gradients(y, seed, x).get(x), tape.gradients(GradientRequest.of(y, x).withSeed(seed)).get(x));
        assertEquals(Tensor.vector(0.75, 36), tape.gradients(GradientRequest.of(y, x).withSeed(seed)).get(x));
        Gradients second = tape.gradients(GradientRequest.of(y.sum(), x).differentiable());
        assertTrue(second.isRecorded());
        assertEquals(Tensor.vector(3, -12), tape.gradients(second.var(x).sum(), x).get(x), "d²/dx² of x³ summed is 6x");
        Gradients all = tape.gradients(GradientRequest.of(y.sum()).ofEveryValue());
        assertEquals(Tensor.vector(0.75, 12), all.get(x));
        GradientRequest r = GradientRequest.of(y, x).withSeed(seed).differentiable();
        assertEquals(r, GradientRequest.of(y, x).differentiable().withSeed(seed), "a request is a value: order does not matter");
    }

    @Test
    void anUnusedVariableGetsZerosInItsBufferWhateverItHeld() {
        Tape tape = new Tape();
        Var x = tape.variable("x", Tensor.scalar(3));
        Var unused = tape.variable("unused", Tensor.uniform(3, -1, 1, 2, 2, 3));
        DMatrixRMaj dx = garbage(5, 5);
        DMatrixRMaj dUnused = garbage(1, 1);
        tape.gradients(GradientRequest.of(x.mul(x), x, unused).copyInto(dx, dUnused));
        assertEquals(6.0, dx.get(0, 0), 0.0);
        assertEquals(4, dUnused.numRows, "a rank-3 value's buffer has rows = product of the leading dimensions");
        assertEquals(3, dUnused.numCols);
        for (int k = 0; k < 12; k++) assertEquals(0.0, dUnused.data[k], 0.0, "index " + k);
    }

    @Test
    void badRequestsAreRejectedWithTheReason() {
        Tape tape = new Tape();
        Var x = tape.variable("x", Tensor.vector(1, 2));
        DMatrixRMaj yStorage = new DMatrixRMaj(new double[][] {{3, 4}});
        Var y = tape.borrowedVariable("y", yStorage);
        Var product = x.mul(y.reshape(2));
        Var loss = product.sum();
        DMatrixRMaj a = new DMatrixRMaj(1, 1);
        DMatrixRMaj b = new DMatrixRMaj(1, 1);
        assertMessage(() -> tape.gradients(GradientRequest.of(loss, x, y).copyInto(a)), "2 values but 1 buffers");
        assertMessage(() -> tape.gradients(GradientRequest.of(loss, x, y).copyInto(a, null)), "buffer 1 is null");
        assertMessage(() -> tape.gradients(GradientRequest.of(loss, x, y).copyInto(a, a)), "same matrix");
        assertMessage(() -> tape.gradients(GradientRequest.of(loss, x, x).copyInto(a, b)), "listed twice");
        assertMessage(() -> tape.gradients(GradientRequest.of(loss, x, y).copyInto(a, yStorage)), "storage of");
        DMatrixRMaj sharing = new DMatrixRMaj(1, 1);
        sharing.data = RawStorage.read(product.value()).data;
        assertMessage(() -> tape.gradients(GradientRequest.of(loss, x, y).copyInto(sharing, b)), "storage of");
        assertMessage(() -> GradientRequest.of(null, x), "null output");
        assertMessage(() -> GradientRequest.of(loss, x, null), "value 1");
        assertMessage(() -> GradientRequest.of(loss, x).withSeed(null), "null seed");
        assertArrayEquals(new double[] {3, 4}, yStorage.data, 0.0, "a refused request wrote nothing");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
