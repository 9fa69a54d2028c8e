package io.github.tapegrad.nn.tape;

import static io.github.tapegrad.engine.testing.TensorGens.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.tapegrad.engine.autodiff.GradientRequest;
import io.github.tapegrad.engine.autodiff.Gradients;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.ReclaimedValueException;
import io.github.tapegrad.engine.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * The fused layers on a tape rewound step after step: each step computes exactly what fresh ops on a fresh tape
 * compute, every value held from an earlier step keeps its bits or throws, and a step allocates no tensor storage.
 */
class FusedStepMemoryProperties {

    /** affine → relu → affine → softmaxWithLoss, as the book's network. */
    private static Var network(Var x, Var w1, Var b1, Var w2, Var b2, int[] labels) {
        Var hidden = FusedLayers.relu(FusedLayers.affine(x, w1, b1));
        return FusedLayers.softmaxWithLoss(FusedLayers.affine(hidden, w2, b2), labels);
    }

    private record Held(String what, int step, Tensor value, Tensor bits) {}

    /**
     * 60 examples of 2–8 steps each, shapes up to 12×30·30×9·9×5. W1 is a borrowed matrix the caller changes between
     * steps, or sometimes a new tensor (a layer made for another W must not be reused). Each step's loss and gradients
     * equal a fresh tape's bit for bit; after each rewind every value held from every step so far (outputs, gradients,
     * borrowed inputs) reads as made or throws, and the fused ops' values do throw.
     */
    @Test
    void stepAfterStepTheBitsOfAFreshTapeAndHeldValuesKeepTheirBitsOrThrow() {
        qt(60).forAll(longs().all(), integers().between(1, 12), integers().between(1, 30), integers().between(1, 9))
                .checkAssert((seed, n, d, h) -> {
                    Random r = new Random(seed);
                    int c = 2 + r.nextInt(4);
                    int steps = 2 + r.nextInt(7);
                    Tape tape = new Tape();
                    DMatrixRMaj w1 = new DMatrixRMaj(d, h);
                    List<Held> held = new ArrayList<>();
                    for (int step = 0; step < steps; step++) {
                        for (int i = 0; i < w1.data.length; i++) w1.data[i] = r.nextDouble() * 2 - 1;
                        boolean borrowW1 = r.nextInt(3) != 0;
                        Tensor xv = Tensor.uniform(r.nextLong(), -1, 1, n, d);
                        Tensor b1v = Tensor.uniform(r.nextLong(), -1, 1, 1, h);
                        Tensor w2v = Tensor.uniform(r.nextLong(), -1, 1, h, c);
                        Tensor b2v = Tensor.uniform(r.nextLong(), -1, 1, c);
                        int[] labels = r.ints(n, 0, c).toArray();

                        Tape fresh = new Tape();
                        Var[] f = {fresh.variable("x", xv), fresh.variable("W1", Tensor.fromMatrix(w1)), fresh.variable("b1", b1v),
                                fresh.variable("W2", w2v), fresh.variable("b2", b2v)};
                        Var freshLoss = network(f[0], f[1], f[2], f[3], f[4], labels);
                        Gradients expected = fresh.gradients(freshLoss, f);

                        Var[] p = {tape.variable("x", xv), borrowW1 ? tape.borrowedVariable("W1", w1) : tape.variable("W1", Tensor.fromMatrix(w1)),
                                tape.variable("b1", b1v), tape.variable("W2", w2v), tape.variable("b2", b2v)};
                        Var hidden = FusedLayers.relu(FusedLayers.affine(p[0], p[1], p[2]));
                        Var loss = FusedLayers.softmaxWithLoss(FusedLayers.affine(hidden, p[3], p[4]), labels);
                        Gradients g = tape.gradients(loss, p);
                        assertEquals(freshLoss.value().item(), loss.value().item(), 0.0, "loss at step " + step);
                        List<Held> now = new ArrayList<>();
                        now.add(hold("loss", step, loss.value()));
                        now.add(hold("hidden", step, hidden.value()));
                        if (borrowW1) now.add(hold("borrowed W1", step, p[1].value()));
                        for (int i = 0; i < p.length; i++) {
                            Tensor want = expected.get(f[i]);
                            Tensor got = g.get(p[i]);
                            assertBits(want, got, "d" + p[i] + " at step " + step + " against a fresh tape");
                            now.add(hold("d" + p[i], step, got));
                        }
                        held.addAll(now);
                        tape.rewind();
                        for (Held k : held) checkBitsOrThrow(k, step);
                    }
                });
    }

    private static Held hold(String what, int step, Tensor t) {
        return new Held(what, step, t, t.copy());
    }

    private static void assertBits(Tensor want, Tensor got, String what) {
        assertEquals(want.size(), got.size(), what);
        for (int k = 0; k < want.size(); k++) {
            if (Double.doubleToLongBits(want.getFlat(k)) != Double.doubleToLongBits(got.getFlat(k))) {
                fail(what + ": at flat index " + k + " " + got.getFlat(k) + " but " + want.getFlat(k));
            }
        }
    }

    private static void checkBitsOrThrow(Held k, int after) {
        String what = k.what() + " of step " + k.step() + ", read after step " + after;
        try {
            assertBits(k.bits(), k.value(), what);
        } catch (ReclaimedValueException e) {
            assertTrue(e.getMessage().contains("made by") && e.getMessage().contains("rewind"), what + ": " + e.getMessage());
            return;
        }
        // a fused op's output and its rules' gradients live in the arena: once reclaimed, they must throw
        assertTrue(!k.what().equals("hidden") && !k.what().equals("loss") && !k.what().startsWith("dW") && !k.what().startsWith("db")
                && !k.what().startsWith("dx") && !k.what().equals("borrowed W1"), what + " lives in reclaimed memory but could be read");
    }

    /**
     * What a step allocates does not grow with the tensors: on a rewound tape the fused network's storage comes from
     * the arena, so 64 steps at (2×8)·(8×9)·(9×3) and at (4×16)·(16×30)·(30×7), a 7× larger step, allocate the same
     * handle objects (records, values, closures), within 64 bytes a step. A step that allocated even its smallest
     * gradient (db2, 3 doubles) afresh would differ by more. NOTE: the products stay below the vector kernel's
     * threshold (4,096 multiply-adds), whose operations allocate until the JIT has compiled them.
     */
    @Test
    void aStepAllocatesNoTensorStorage() {
        long small = bytesPerStep(2, 8, 9, 3);
        long large = bytesPerStep(4, 16, 30, 7);
        assertTrue(Math.abs(large - small) <= 64, "bytes per step: " + small + " at the small shapes, " + large + " at the large ones");
    }

    private static long bytesPerStep(int n, int d, int h, int c) {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Random r = new Random(5);
        Tape tape = new Tape();
        DMatrixRMaj x = random(r, n, d);
        DMatrixRMaj w1 = random(r, d, h);
        DMatrixRMaj b1 = random(r, 1, h);
        DMatrixRMaj w2 = random(r, h, c);
        DMatrixRMaj b2 = random(r, 1, c);
        DMatrixRMaj[] grads = {new DMatrixRMaj(d, h), new DMatrixRMaj(1, h), new DMatrixRMaj(h, c), new DMatrixRMaj(1, c)};
        int[] labels = r.ints(n, 0, c).toArray();
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 8; round++) {   // the first rounds load classes and grow the arena
            long a0 = bean.getCurrentThreadAllocatedBytes();
            for (int step = 0; step < 64; step++) {
                Var[] p = {tape.borrowedVariable("W1", w1), tape.borrowedVariable("b1", b1), tape.borrowedVariable("W2", w2),
                        tape.borrowedVariable("b2", b2)};
                Var loss = network(tape.borrowedConstant("x", x), p[0], p[1], p[2], p[3], labels);
                tape.gradients(GradientRequest.of(loss, p).copyInto(grads));
                tape.rewind();
            }
            best = Math.min(best, bean.getCurrentThreadAllocatedBytes() - a0);
        }
        return best / 64;
    }

    private static DMatrixRMaj random(Random r, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = r.nextDouble() - 0.5;
        return m;
    }
}
