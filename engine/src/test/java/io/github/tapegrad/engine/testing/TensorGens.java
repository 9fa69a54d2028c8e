package io.github.tapegrad.engine.testing;

import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.tapegrad.engine.tensor.Tensor;
import java.util.Random;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;

/**
 * Reusable QuickTheories generators: shapes first, then values that fit them. Values avoid kinks and
 * singularities by construction (sign · magnitude in [margin, max]) rather than by filtering, so shrinking
 * cannot walk them into a kink.
 */
public final class TensorGens {
    private TensorGens() {}

    /**
     * The seed of every property run; override with {@code -Dtapegrad.seed=N} to explore or replay. QuickTheories
     * prints it with every falsified property ("Seed was ...").
     */
    public static final long SEED = Long.getLong("tapegrad.seed", 20261126L);

    /**
     * Scales every property's number of examples: {@code -Dtapegrad.examples.scale=0.1} runs a tenth of each (at least
     * one), as the mutation-testing profile does. Must lie in (0, 10].
     */
    public static final double SCALE = scale(System.getProperty("tapegrad.examples.scale", "1"));

    /**
     * QuickTheories with the suite's fixed seed and {@code examples} examples (times {@link #SCALE}). The run is
     * registered with {@link PropertyBudget}, which fails the test if fewer examples than that ran.
     */
    public static QuickTheory qt(int examples) {
        if (examples < 1) throw new IllegalArgumentException("a property needs at least one example, got " + examples);
        int scaled = (int) Math.max(1, Math.ceil(examples * SCALE));
        org.quicktheories.core.Guidance counter = PropertyBudget.register(scaled);
        return QuickTheory.qt().withFixedSeed(SEED).withExamples(scaled).withGuidance(prng -> counter);
    }

    private static double scale(String text) {
        double s;
        try {
            s = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Dtapegrad.examples.scale must be a number in (0, 10], got '" + text + "'", e);
        }
        if (!(s > 0 && s <= 10)) throw new IllegalArgumentException("-Dtapegrad.examples.scale must be in (0, 10], got " + s);
        return s;
    }

    /** Dimensions 1..maxDim; shrinks toward 1. */
    public static Gen<Integer> dims(int maxDim) {
        return integers().between(1, maxDim);
    }

    /** A shape of rank 0..maxRank with dimensions 1..maxDim. */
    public static Gen<int[]> shapes(int maxRank, int maxDim) {
        return integers().between(0, maxRank).zip(longs().all(), (rank, seed) -> {
            Random r = new Random(seed);
            int[] s = new int[rank];
            for (int i = 0; i < rank; i++) s[i] = 1 + r.nextInt(maxDim);
            return s;
        });
    }

    /**
     * Two shapes that broadcast together: a full shape and a copy with some dimensions set to 1 and some leading
     * dimensions dropped; which side is the smaller one is random. Equal shapes are included.
     */
    public static Gen<int[][]> broadcastPairs(int maxRank, int maxDim) {
        return shapes(maxRank, maxDim).zip(longs().all(), booleans().all(), (full, seed, swap) -> {
            Random r = new Random(seed);
            int drop = full.length == 0 ? 0 : r.nextInt(full.length + 1);
            int[] small = new int[full.length - drop];
            for (int i = 0; i < small.length; i++) small[i] = r.nextInt(3) == 0 ? 1 : full[i + drop];
            return swap ? new int[][] {small, full} : new int[][] {full, small};
        });
    }

    /** Uniform values in [lo, hi] of the given shape. */
    public static Tensor uniform(long seed, double lo, double hi, int... shape) {
        return Tensor.uniform(seed, lo, hi, shape);
    }

    /** Values sign·U[margin, max]: never closer than margin to 0. */
    public static Tensor awayFromZero(long seed, double margin, double max, int... shape) {
        Random r = new Random(seed);
        double[] v = new double[Tensor.zeros(shape).size()];
        for (int i = 0; i < v.length; i++) {
            double m = margin + (max - margin) * r.nextDouble();
            v[i] = r.nextBoolean() ? m : -m;
        }
        return Tensor.of(v, shape);
    }

    /** Distinct values at least {@code gap} apart in random order, so that a max has no ties (no kink). */
    public static Tensor distinct(long seed, double gap, int... shape) {
        Random r = new Random(seed);
        int n = Tensor.zeros(shape).size();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (i - n / 2.0) * gap + 0.25 * gap * r.nextDouble();
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.of(v, shape);
    }
}
