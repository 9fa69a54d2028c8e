package io.github.tapegrad.engine.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.tensor.Settings;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.engine.tensor.Tolerance;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad arguments to the engine's API: an exception naming the operation and the argument, never a bare NullPointerException. */
class BadInputTest {

    private static void refused(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }

    @Test
    void nullArgumentsAreNamed() {
        Tape tape = new Tape();
        Var x = tape.variable("x", Tensor.vector(1, 2));
        Tensor t = Tensor.vector(1, 2);
        refused("add: the other operand must not be null", () -> x.add(null));
        refused("sub: the other operand must not be null", () -> x.sub(null));
        refused("mul: the other operand must not be null", () -> x.mul((Var) null));
        refused("div: the other operand must not be null", () -> x.div(null));
        refused("matmul: the other operand must not be null", () -> x.matmul(null));
        refused("reshape: the shape must not be null", () -> x.reshape((int[]) null));
        refused("broadcastTo: the shape must not be null", () -> x.broadcastTo((int[]) null));
        refused("where: the mask must not be null", () -> Var.where(null, x, x));
        refused("where: b must not be null", () -> Var.where(t, x, null));
        refused("of: the values must not be null", () -> Tensor.of(null, 2));
        refused("vector: the values must not be null", () -> Tensor.vector((double[]) null));
        refused("matrix: row 1 must not be null", () -> Tensor.matrix(new double[][] {{1}, null}));
        refused("fromMatrix: the matrix must not be null", () -> Tensor.fromMatrix(null));
        refused("oneHot: the labels must not be null", () -> Tensor.oneHot(null, 3));
        refused("concat: tensor 1 must not be null", () -> Tensor.concat(0, t, null));
        refused("add: the other operand must not be null", () -> t.add(null));
        refused("matmul: the other operand must not be null", () -> t.matmul(null));
        refused("allClose: the tolerance must not be null", () -> t.allClose(t, null));
        refused("copyTo: the destination must not be null", () -> t.copyTo(null));
        refused("apply: the custom op must not be null", () -> tape.apply(null, x));
        refused("gradients: null output", () -> tape.gradients(null, x));
        refused("gradients: value 0 to differentiate with respect to is null", () -> tape.gradients(x.sum(), (Var) null));
        refused("shape must not be null", () -> Tensor.zeros((int[]) null));
        assertTrue(Tensor.vector(1, 2).allClose(t, new Tolerance(0, 0)), "the checks pass good arguments through");
    }

    @Test
    void aCustomOpThatReturnsNothingIsNamed() {
        Tape tape = new Tape();
        Var x = tape.variable("x", Tensor.vector(1, 2));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.apply(CustomOp.of("broken", in -> null), x));
        assertEquals("custom op 'broken' returned no result from forward", e.getMessage());
        Var y = tape.apply(CustomOp.of("noRule", in -> new CustomOp.Result(in[0], (g, needs) -> null)), x).sum();
        e = assertThrows(IllegalStateException.class, () -> tape.gradients(y, x));
        assertEquals("custom op 'noRule' returned null from its gradient rule", e.getMessage());
    }

    @Test
    @SuppressWarnings("try")
    void noRecordScopesClosedOutOfOrderFailClearly() {
        Tape tape = new Tape();
        Tape.NoRecord outer = tape.noRecord();
        Tape.NoRecord inner = tape.noRecord();
        IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
        assertTrue(e.getMessage().startsWith("noRecord scopes closed out of order: 1 scope(s) opened inside this one are still open"),
                e.getMessage());
        assertTrue(!tape.isRecording(), "a refused close changes nothing");
        inner.close();
        assertTrue(!tape.isRecording(), "the outer scope is still open");
        outer.close();
        assertTrue(tape.isRecording(), "in order, the mode comes back");
        outer.close();
        assertTrue(tape.isRecording(), "closing a closed scope again does nothing");
        try (Tape.NoRecord a = tape.noRecord(); Tape.NoRecord b = tape.noRecord()) {
            assertTrue(!tape.isRecording());
        }
        assertTrue(tape.isRecording(), "try-with-resources closes in order");
    }

    /** Properties are read strictly: a value set but not understood names the property, never silently a default. */
    @Test
    void badEngineSettingsAreErrors() {
        for (List<String> bad : List.of(List.of("tapegrad.threads", "abc", "-Dtapegrad.threads=abc: expected a whole number"),
                List.of("tapegrad.threads", "0", "-Dtapegrad.threads=0: expected"),
                List.of("tapegrad.threads", "5000", "-Dtapegrad.threads=5000: expected"),
                List.of("tapegrad.gemm", "blas", "-Dtapegrad.gemm=blas: expected vector or ejml"))) {
            String before = System.getProperty(bad.get(0));
            System.setProperty(bad.get(0), bad.get(1));
            try {
                IllegalStateException e = assertThrows(IllegalStateException.class, Settings::check);
                assertTrue(e.getMessage().startsWith(bad.get(2)), e.getMessage());
            } finally {
                if (before == null) System.clearProperty(bad.get(0));
                else System.setProperty(bad.get(0), before);
            }
        }
        Settings.check();
    }
}
