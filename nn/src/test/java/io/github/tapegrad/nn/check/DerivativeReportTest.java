package io.github.tapegrad.nn.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The three-way report itself: that it fails when one side is wrong, says which comparison failed, and summarises
 * its errors. (LayerProperties runs it on every layer; here it is checked on known-good and known-bad layers.)
 */
class DerivativeReportTest {

    private static LayerCase mulCase() {
        return LayerCases.mul(Tensor.matrix(new double[][] {{1, -2}, {0.5, 3}}), Tensor.matrix(new double[][] {{2, 1}, {-1, 4}}),
                Tensor.matrix(new double[][] {{1, 0.5}, {-2, 1}}));
    }

    @Test
    void aCorrectLayerPassesAndSaysSo() {
        DerivativeReport r = DerivativeReport.of(mulCase());
        assertTrue(r.passed(), r::toString);
        assertEquals(2 + 4 * 2, r.all().size(), "two forward comparisons and four per input");
        assertEquals(0.0, r.worstHandVsTape(), 0.0, "mul's hand-written backward is the tape's rule exactly");
        assertTrue(r.worstVsNumerical() > 0 && r.worstVsNumerical() < 1e-8, "central differences are close but not exact: "
                + r.worstVsNumerical());
        String text = r.toString();
        assertTrue(text.startsWith("MulLayer: PASS\n  forward\n    PASS forward: hand-written vs composite"), text);
        for (String section : List.of("hand-written vs tape", "hand-written vs numerical", "tape vs numerical", "fused vs composite")) {
            assertTrue(text.contains("\n  " + section + "\n    PASS x (2x2)"), section + " in\n" + text);
        }
    }

    @Test
    void aWrongHandWrittenBackwardFailsTheComparisonsItTakesPartIn() {
        LayerCase good = mulCase();
        // the hand-written backward doubled: wrong against the tape and against central differences, nowhere else
        LayerCase bad = new LayerCase(good.layer(), good.inputNames(), good.inputs(), good.dout(), good.forward(),
                (in, dout) -> {
                    Tensor[] g = good.backward().apply(in, dout);
                    return new Tensor[] {g[0].mul(2.0), g[1]};
                }, good.composite(), good.fused());
        DerivativeReport r = DerivativeReport.of(bad);
        assertFalse(r.passed());
        assertFalse(r.handVsTape().get(0).passed());
        assertFalse(r.handVsNumerical().get(0).passed());
        assertTrue(r.handVsTape().get(1).passed() && r.tapeVsNumerical().get(0).passed() && r.fusedVsComposite().get(0).passed());
        assertTrue(r.worstHandVsTape() >= 1.0, "hand 2·dout·y vs tape dout·y differ by |dout·y| ≥ 1 somewhere: " + r.worstHandVsTape());
        assertTrue(r.worstVsNumerical() >= 1.0, String.valueOf(r.worstVsNumerical()));
        assertTrue(r.toString().startsWith("MulLayer: FAIL"), r.toString());
    }

    @Test
    void aDoutOfTheWrongShapeIsRefused() {
        LayerCase good = mulCase();
        LayerCase bad = new LayerCase(good.layer(), good.inputNames(), good.inputs(), Tensor.zeros(3), good.forward(),
                good.backward(), good.composite(), good.fused());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DerivativeReport.of(bad));
        assertTrue(e.getMessage().startsWith("MulLayer (dout vs output)"), e.getMessage());
    }

    @Test
    void aCaseNamesItsLayerAndShapes() {
        assertEquals("MulLayer(x(2x2), y(2x2)) with dout(2x2)", mulCase().toString());
        LayerCase good = mulCase();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LayerCase("L", List.of("x"),
                good.inputs(), good.dout(), good.forward(), good.backward(), good.composite(), good.fused()));
        assertEquals("L: a name per input is required", e.getMessage());
    }
}
