package io.github.tapegrad.samples.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The pictures' choices that a test can hold: round iteration ticks, the format by name, a colour-blind-safe palette. */
class TrainingPlotTest {

    @Test
    void iterationTicksAreRoundNumbersFromZero() {
        assertArrayEquals(new double[] {0, 200, 400, 600, 800, 1000, 1200, 1400}, TrainingPlot.iterationTicks(1500));
        assertArrayEquals(new double[] {0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000}, TrainingPlot.iterationTicks(10000));
        for (int n = 2; n <= 100_000; n = n * 3 / 2 + 1) {
            double[] t = TrainingPlot.iterationTicks(n);
            double step = t.length > 1 ? t[1] : 1;
            double unit = Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
            double m = step / unit;
            assertTrue(Math.abs(m - 1) < 1e-9 || Math.abs(m - 2) < 1e-9 || Math.abs(m - 5) < 1e-9, n + ": step " + step);
            assertTrue(t.length >= 2 || n <= 2, n + ": " + t.length + " ticks");
            assertTrue(t.length <= 11, n + ": " + t.length + " ticks");
            assertEquals(0, t[0]);
            assertTrue(t[t.length - 1] <= n - 1 || n <= 2, n + ": beyond the last iteration");
        }
    }

    @Test
    void theFormatComesFromTheName() {
        assertEquals(TrainingPlot.Format.PNG, TrainingPlot.formatOf("--plot", Path.of("a/B.PNG")));
        assertEquals(TrainingPlot.Format.SVG, TrainingPlot.formatOf("--plot", Path.of("c.svg")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingPlot.formatOf("--plot", Path.of("c.jpg")));
        assertEquals("--plot c.jpg: a plot is written as PNG or SVG; name the file *.png or *.svg", e.getMessage());
    }

    /** Okabe & Ito's eight colours, all distinct, yellow (weak on white) last. */
    @Test
    void thePaletteIsOkabeIto() {
        assertEquals(8, TrainingPlot.PALETTE.length);
        assertEquals(new java.awt.Color(240, 228, 66), TrainingPlot.PALETTE[7]);
        assertEquals(8, java.util.Arrays.stream(TrainingPlot.PALETTE).distinct().count());
    }
}
