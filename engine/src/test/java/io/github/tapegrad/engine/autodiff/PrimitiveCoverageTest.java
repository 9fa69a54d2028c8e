package io.github.tapegrad.engine.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.engine.testing.TensorGens;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Fails when a primitive has no gradient property, or when its property never records that primitive. */
class PrimitiveCoverageTest {

    @Test
    void everyPermittedPrimitiveHasAGradientProperty() {
        Set<String> permitted = Arrays.stream(Primitive.class.getPermittedSubclasses())
                .map(Class::getSimpleName).collect(Collectors.toCollection(TreeSet::new));
        Set<String> covered = PrimitiveCases.all().stream()
                .map(c -> c.op().getSimpleName()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(permitted, covered, "primitives without a gradient property (or properties without a primitive)");
        assertEquals(PrimitiveCases.all().size(), covered.size(), "one property per primitive");
    }

    /**
     * Each primitive's examples record that primitive. The only exemption: a reshape or broadcastTo whose output has
     * its input's shape, which the tape records as a no-op by design; every primitive must still be recorded by at
     * least one of its examples, so the exemption cannot swallow a whole property. As many examples as the gradient
     * property runs: the same generated cases.
     */
    @Test
    void eachPropertyRecordsItsPrimitive() {
        for (PrimitiveCases.Case c : PrimitiveCases.all()) {
            int[] recordedCount = {0};
            TensorGens.qt(PrimitiveVjpProperties.EXAMPLES).forAll(c.examples()).checkAssert(ex -> {
                Tape tape = new Tape();
                Var out = ex.applyOn(tape);
                boolean recorded = tape.nodes().stream().anyMatch(n -> c.op().isInstance(n.op()));
                if (recorded) recordedCount[0]++;
                assertTrue(recorded || sameShapeNoOp(ex, out), () -> c.op().getSimpleName() + " not recorded by " + ex);
            });
            assertTrue(recordedCount[0] > 0, () -> c.op().getSimpleName() + ": none of its examples recorded it");
        }
    }

    /** Reshape to the same shape and broadcast to the same shape are recorded as no-ops, by design. */
    private static boolean sameShapeNoOp(PrimitiveCases.Example ex, Var out) {
        boolean shapeOp = ex.label().startsWith("reshape") || ex.label().startsWith("broadcastTo");
        return shapeOp && Arrays.equals(out.shape(), ex.inputs()[0].shape());
    }

    @Test
    void theNoOpExemptionIsNarrow() {
        Tape tape = new Tape();
        Var x = tape.variable(Tensor.zeros(2, 3));
        PrimitiveCases.Example reshape = new PrimitiveCases.Example("reshape to [3, 2]", v -> v[0].reshape(3, 2), x.value());
        assertFalse(sameShapeNoOp(reshape, x.reshape(3, 2)), "a real reshape is not exempt");
        assertTrue(sameShapeNoOp(reshape, x.reshape(2, 3)), "a same-shape reshape is");
        PrimitiveCases.Example add = new PrimitiveCases.Example("add", v -> v[0].add(v[0]), x.value());
        assertFalse(sameShapeNoOp(add, x.add(x)), "only reshape and broadcastTo are exempt");
    }
}
