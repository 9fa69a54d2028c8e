package io.github.tapegrad.engine.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void eachPropertyRecordsItsPrimitive() {
        for (PrimitiveCases.Case c : PrimitiveCases.all()) {
            TensorGens.qt(5).forAll(c.examples()).checkAssert(ex -> {
                Tape tape = new Tape();
                Var[] vars = Arrays.stream(ex.inputs()).map(tape::variable).toArray(Var[]::new);
                ex.f().apply(vars);
                boolean recorded = tape.nodes().stream().anyMatch(n -> c.op().isInstance(n.op()));
                assertTrue(recorded || trivial(ex), () -> c.op().getSimpleName() + " not recorded by " + ex);
            });
        }
    }

    /** Reshape to the same shape and broadcast to the same shape are recorded as no-ops, by design. */
    private static boolean trivial(PrimitiveCases.Example ex) {
        return ex.label().startsWith("reshape") || ex.label().startsWith("broadcastTo");
    }
}
