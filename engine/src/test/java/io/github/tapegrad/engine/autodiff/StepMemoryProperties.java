package io.github.tapegrad.engine.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.tapegrad.engine.tensor.Gemm;
import io.github.tapegrad.engine.tensor.RawStorage;
import io.github.tapegrad.engine.tensor.ReclaimedValueException;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.engine.testing.TensorGens;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * A tape rewound step after step reuses its arena's memory; a value held from any earlier step keeps its bits or
 * throws {@link ReclaimedValueException} on read, never shows another step's numbers.
 */
class StepMemoryProperties {

    /** tanh(x·W) as one custom op with its output and gradients in the arena. */
    private static final CustomOp TANH_MATMUL = CustomOp.withArena("tanhMatmul", (in, arena) -> {
        DMatrixRMaj x = RawStorage.read(in[0]);
        DMatrixRMaj w = RawStorage.read(in[1]);
        DMatrixRMaj out = arena.matrix(x.numRows, w.numCols);
        Gemm.mult(x, false, w, false, out);
        for (int i = 0; i < out.getNumElements(); i++) out.data[i] = Math.tanh(out.data[i]);
        return new CustomOp.Result(arena.tensor(out, "tanhMatmul", out.numRows, out.numCols), (g, needs) -> {
            DMatrixRMaj gm = RawStorage.read(g);
            DMatrixRMaj local = arena.matrix(gm.numRows, gm.numCols);
            for (int i = 0; i < local.getNumElements(); i++) local.data[i] = gm.data[i] * (1 - out.data[i] * out.data[i]);
            DMatrixRMaj dx = arena.matrix(x.numRows, x.numCols);
            DMatrixRMaj dw = arena.matrix(w.numRows, w.numCols);
            Gemm.mult(local, false, w, true, dx);
            Gemm.mult(x, true, local, false, dw);
            return new Tensor[] {arena.tensor(dx, "tanhMatmul dx", dx.numRows, dx.numCols),
                    arena.tensor(dw, "tanhMatmul dW", dw.numRows, dw.numCols)};
        });
    });

    /** A value held from some step, with a copy of its bits taken when it was made. */
    private record Held(String what, Tensor value, Tensor bits) {}

    /**
     * 40 examples, each 2–12 steps of a random two-layer graph (custom arena op, primitives, borrowed and copied
     * inputs, one or two gradient requests per step) on one tape. After every step, every value held from every
     * earlier step is read: it must equal its bits or throw. Values in arena memory must throw once reclaimed.
     */
    @Test
    void heldValuesKeepTheirBitsOrThrow() {
        TensorGens.qt(40).forAll(longs().all(), integers().between(2, 12)).checkAssert((seed, steps) -> {
            Random r = new Random(seed);
            int n = 1 + r.nextInt(4);
            int d = 1 + r.nextInt(5);
            int h = 1 + r.nextInt(4);
            Tape tape = new Tape();
            DMatrixRMaj w = new DMatrixRMaj(d, h);
            DMatrixRMaj batch = new DMatrixRMaj(n, d);
            List<Held> held = new ArrayList<>();
            for (int step = 0; step < steps; step++) {
                // the caller changes its borrowed matrices between steps, as a training loop does
                for (int i = 0; i < w.data.length; i++) w.data[i] = r.nextDouble() * 2 - 1;
                for (int i = 0; i < batch.data.length; i++) batch.data[i] = r.nextDouble() * 2 - 1;
                Var wv = tape.borrowedVariable("W", w);
                Var x = tape.borrowedConstant("x", batch);
                Var v = tape.variable("v", Tensor.uniform(r.nextLong(), -1, 1, h));
                Var hidden = tape.apply(TANH_MATMUL, x, wv);
                Var loss = hidden.mul(v).sum().add(hidden.mul(hidden).sum());
                Gradients g = tape.gradients(loss, wv, v);
                List<Held> now = new ArrayList<>(List.of(hold("W", wv.value()), hold("x", x.value()), hold("v", v.value()),
                        hold("hidden", hidden.value()), hold("loss", loss.value()), hold("dW", g.get(wv)), hold("dv", g.get(v))));
                if (r.nextBoolean()) now.add(hold("dW again", tape.gradients(loss, wv).get(wv)));
                for (Held k : now) assertEquals(k.bits(), k.value(), "step " + step + ": " + k.what() + " as made");
                held.addAll(now);
                tape.rewind();
                for (Held k : held) checkBitsOrThrow(k, step);
            }
        });
    }

    private static Held hold(String what, Tensor t) {
        return new Held(what, t, t.copy());
    }

    private static void checkBitsOrThrow(Held k, int step) {
        try {
            double[] now = k.value().toArray();
            double[] then = k.bits().toArray();
            for (int i = 0; i < now.length; i++) {
                if (Double.doubleToLongBits(now[i]) != Double.doubleToLongBits(then[i])) {
                    fail("after step " + step + ": held " + k.what() + " changed at flat index " + i + ": " + then[i] + " -> " + now[i]);
                }
            }
            assertTrue(!inArena(k.what()),
                    "after step " + step + ": " + k.what() + " lives in reclaimed memory but could still be read");
        } catch (ReclaimedValueException e) {
            assertTrue(inArena(k.what()), "after step " + step + ": " + k.what() + " owns its storage but threw: " + e.getMessage());
        }
    }

    /**
     * Which held values live in arena memory: everything the tape computed or borrowed (values of its ops, a plain
     * request's gradients); only the variable made from a tensor of the caller's owns its storage.
     */
    private static boolean inArena(String what) {
        return !what.equals("v");
    }

    @Test
    void aValueOfAnEarlierStepCannotBeUsedInALaterOne() {
        Tape tape = new Tape();
        Var x = tape.variable("x", Tensor.vector(1, 2));
        Var y = x.mul(x).sum();
        tape.rewind();
        assertEquals(0, tape.size(), "rewind clears the record");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.add(x));
        assertTrue(e.getMessage().contains("before this tape's last rewind()"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tape.gradients(y, x));
        assertTrue(e.getMessage().contains("before this tape's last rewind()"), e.getMessage());
        assertEquals(Tensor.vector(1, 2), x.value(), "an owned value stays readable: only its use on the tape is refused");
        Var again = tape.variable("x", x.value());
        assertEquals(Tensor.vector(2, 4), tape.gradients(again.mul(again).sum(), again).get(again));
    }

    @Test
    void aClosedTapeReclaimsItsArena() {
        Tape tape = new Tape();
        DMatrixRMaj m = new DMatrixRMaj(new double[][] {{1, 2}});
        Var x = tape.borrowedVariable("m", m);
        Tensor value = x.value();
        tape.close();
        ReclaimedValueException e = assertThrows(ReclaimedValueException.class, value::toArray);
        assertTrue(e.getMessage().contains("'m'") && e.getMessage().contains("close"), e.getMessage());
    }
}
