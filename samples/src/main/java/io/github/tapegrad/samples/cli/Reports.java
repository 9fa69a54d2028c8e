package io.github.tapegrad.samples.cli;

import io.github.tapegrad.samples.apple.Shopping;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** Printing shared by the commands. */
final class Reports {
    private Reports() {}

    /** The book's numbers by the layers and by the tape, side by side; 1 if they differ by more than 1e-9. */
    static int shopping(PrintWriter out, Shopping.Result layers, Shopping.Result tape) {
        out.printf(Locale.ROOT, "%-12s %12s %12s%n", "", "layers", "tape");
        out.printf(Locale.ROOT, "%-12s %12s %12s%n", "price", num(layers.price()), num(tape.price()));
        boolean same = Math.abs(layers.price() - tape.price()) <= 1e-9;
        for (Map.Entry<String, Double> e : layers.gradients().entrySet()) {
            double t = tape.gradients().get(e.getKey());
            out.printf(Locale.ROOT, "%-12s %12s %12s%n", "d" + e.getKey(), num(e.getValue()), num(t));
            same &= Math.abs(e.getValue() - t) <= 1e-9;
        }
        out.println(same ? "layers and tape agree (within 1e-9)" : "MISMATCH between layers and tape");
        out.flush();
        return same ? 0 : 1;
    }

    /** The book prints Python floats: 220.00000000000003 shows as such; we show 12 significant digits. */
    static String num(double v) {
        String s = String.format(Locale.ROOT, "%.12g", v);
        if (s.contains(".") && !s.contains("e")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s;
    }
}
