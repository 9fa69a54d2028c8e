package io.github.tapegrad.nn.tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.autodiff.Gradients;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The fused ConvReluPool op against the composite conv → relu → pool on the same tape inputs: values and the gradients
 * of x, W and b, for tiling and overlapping pools, across rewound steps that reuse the op's block.
 */
class ConvReluPoolOpTest {
    /** The fused rule and the composite's sum in other orders; values here are O(1), so 1e-10 is rounding's room. */
    private static final double TOLERANCE = 1e-10;

    private static void assertClose(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double[] a = expected.toArray();
        double[] b = actual.toArray();
        for (int i = 0; i < a.length; i++) {
            double bound = TOLERANCE * Math.max(1, Math.max(Math.abs(a[i]), Math.abs(b[i])));
            int at = i;
            assertTrue(Math.abs(a[i] - b[i]) <= bound, () -> what + " " + java.util.Arrays.toString(expected.shape()) + " at " + at
                    + ": composite " + a[at] + ", fused " + b[at]);
        }
    }

    private static void compare(int[] xShape, int[] wShape, int stride, int pad, int ph, int pw, int poolStride, int poolPad, long seed) {
        Tensor x = Tensor.uniform(seed, -1, 1, xShape);
        Tensor w = Tensor.uniform(seed + 1, -1, 1, wShape);
        Tensor b = Tensor.uniform(seed + 2, -1, 1, wShape[0]);
        try (Tape tape = new Tape()) {
            for (int step = 0; step < 2; step++) {
                Var xv = tape.variable("x", x);
                Var wv = tape.variable("W", w);
                Var bv = tape.variable("b", b);
                Var composite = LayerFunctions.maxPooling(LayerFunctions.relu(LayerFunctions.convolution(xv, wv, bv, stride, pad)),
                        ph, pw, poolStride, poolPad);
                Var fused = FusedLayers.convReluPool(xv, wv, bv, stride, pad, ph, pw, poolStride, poolPad);
                assertClose("forward", composite.value(), fused.value());
                Tensor g = Tensor.uniform(seed + 3 + step, -1, 1, composite.value().shape());
                Var weights = tape.constant(g);
                Gradients c = tape.gradients(composite.mul(weights).sum(), xv, wv, bv);
                Gradients f = tape.gradients(fused.mul(weights).sum(), xv, wv, bv);
                assertClose("dx", c.get(xv), f.get(xv));
                assertClose("dW", c.get(wv), f.get(wv));
                assertClose("db", c.get(bv), f.get(bv));
                tape.rewind();
            }
        }
    }

    @Test
    void theFusedOpIsTheCompositeForTilingPools() {
        compare(new int[] {2, 1, 8, 8}, new int[] {3, 1, 3, 3}, 1, 0, 2, 2, 2, 0, 1);
        compare(new int[] {3, 2, 9, 7}, new int[] {2, 2, 2, 3}, 2, 1, 1, 2, 2, 0, 2);
    }

    @Test
    void theFusedOpIsTheCompositeForOverlappingAndPaddedPools() {
        compare(new int[] {2, 2, 7, 6}, new int[] {4, 2, 3, 2}, 1, 1, 3, 2, 1, 1, 3);
        compare(new int[] {1, 3, 6, 6}, new int[] {2, 3, 1, 1}, 1, 0, 2, 2, 1, 0, 4);
    }

    @Test
    void badShapesAreNamed() {
        try (Tape tape = new Tape()) {
            Var x = tape.variable("x", Tensor.zeros(2, 1, 6, 6));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FusedLayers.convReluPool(x, tape.variable("W", Tensor.zeros(3, 2, 3, 3)), tape.variable("b", Tensor.zeros(3)),
                            1, 0, 2, 2, 2, 0));
            assertEquals("ConvReluPool: x [2, 1, 6, 6], W [3, 2, 3, 3] and b [3] must be (N, C, H, W), (FN, C, FH, FW) and (FN)",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> FusedLayers.convReluPool(x, tape.variable("W", Tensor.zeros(3, 1, 3, 3)), tape.variable("b", Tensor.zeros(4)),
                            1, 0, 2, 2, 2, 0));
            assertTrue(e.getMessage().startsWith("ConvReluPool: x [2, 1, 6, 6]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> FusedLayers.convReluPool(x, tape.variable("W", Tensor.zeros(3, 1, 7, 7)), tape.variable("b", Tensor.zeros(3)),
                            1, 0, 2, 2, 2, 0));
            assertTrue(e.getMessage().startsWith("ConvReluPool: windows: a 7x7 filter"), e.getMessage());
        }
    }
}
