package io.github.tapegrad.engine.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.check.GradCheck;
import io.github.tapegrad.engine.check.InputReport;
import java.util.Locale;
import io.github.tapegrad.engine.check.Report;
import io.github.tapegrad.engine.testing.TensorGens;
import io.github.tapegrad.engine.testing.Tolerances;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Tape gradient ≈ central differences for every primitive, on generated shapes and values. */
class PrimitiveVjpProperties {
    /** 200 examples per primitive: each is a full-Jacobian check on at most 64 entries, about 1 ms. */
    static final int EXAMPLES = 200;

    @TestFactory
    Stream<DynamicTest> everyPrimitiveMatchesCentralDifferences() {
        return PrimitiveCases.all().stream().map(c -> DynamicTest.dynamicTest(c.op().getSimpleName(), () -> {
            int[] count = {0};
            double[] worst = {0, 0};
            TensorGens.qt(EXAMPLES).forAll(c.examples()).checkAssert(ex -> {
                Report r = GradCheck.check(ex.toString(), ex.f(), Tolerances.PRIMITIVE, ex.inputs());
                assertTrue(r.passed(), r::toString);
                count[0]++;
                for (InputReport in : r.inputs()) {
                    worst[0] = Math.max(worst[0], in.maxAbsError());
                    worst[1] = Math.max(worst[1], in.maxRelError());
                }
            });
            System.out.printf(Locale.ROOT, "%-12s %4d examples, worst |a-n| %.2e, worst rel %.2e%n",
                    c.op().getSimpleName(), count[0], worst[0], worst[1]);
        }));
    }
}
