package io.github.tapegrad.samples.models;

import java.util.Locale;

/**
 * How initial weights are scaled: W ~ std·N(0, 1) with std fixed (the book's 0.01), Xavier/Glorot
 * (std = √(1/n_in), the book's choice for sigmoid) or He (std = √(2/n_in), for ReLU), n_in being the layer's fan-in.
 */
public sealed interface WeightInit {
    /** The standard deviation for a layer with {@code fanIn} inputs. */
    double std(int fanIn);

    /** A fixed standard deviation. */
    record Fixed(double std) implements WeightInit {
        public Fixed {
            if (!(std >= 0) || !Double.isFinite(std)) throw new IllegalArgumentException("weight init std must be >= 0, got " + std);
        }

        public double std(int fanIn) {
            return std;
        }

        @Override
        public String toString() {
            return Double.toString(std);
        }
    }

    /** Xavier/Glorot as in the book: √(1/n_in). */
    record Xavier() implements WeightInit {
        public double std(int fanIn) {
            return Math.sqrt(1.0 / fanIn);
        }

        @Override
        public String toString() {
            return "xavier";
        }
    }

    /** He: √(2/n_in). */
    record He() implements WeightInit {
        public double std(int fanIn) {
            return Math.sqrt(2.0 / fanIn);
        }

        @Override
        public String toString() {
            return "he";
        }
    }

    /** Parses {@code xavier}, {@code he} or a number (a fixed std). */
    public static WeightInit parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (v.equals("xavier") || v.equals("glorot")) return new Xavier();
        if (v.equals("he")) return new He();
        try {
            return new Fixed(Double.parseDouble(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a weight initialisation; use xavier, he or a standard deviation");
        }
    }
}
