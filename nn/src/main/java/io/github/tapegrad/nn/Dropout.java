package io.github.tapegrad.nn;

import java.util.Random;

/**
 * The book's Dropout layer (chapter 6): in training mode each element is kept where a uniform draw exceeds the
 * dropout ratio and zeroed otherwise (out = x·mask, dx = dout·mask); in inference mode out = x·(1 − ratio) and
 * dx = dout·(1 − ratio). The mask is drawn from the layer's own seeded generator in row-major order, so a seed
 * fixes every mask of a run.
 */
public final class Dropout extends ElementwiseLayer {
    private final double ratio;
    private final Random rng;
    private boolean training = true;
    private boolean lastForwardTraining;
    private boolean[] mask = new boolean[0];

    /**
     * @param ratio the probability of dropping an element, in [0, 1)
     * @param rng   the generator of the masks; owned by the layer from now on
     */
    public Dropout(String name, double ratio, Random rng) {
        super(name);
        if (!(ratio >= 0 && ratio < 1)) throw new IllegalArgumentException("Dropout '" + name + "': ratio must be in [0, 1), got " + ratio);
        this.ratio = ratio;
        this.rng = rng;
    }

    /** The mask the book's rule draws from {@code rng} for {@code size} elements: {@code rng.nextDouble() > ratio}. */
    public static boolean[] drawMask(Random rng, double ratio, int size) {
        boolean[] m = new boolean[size];
        for (int i = 0; i < size; i++) m[i] = rng.nextDouble() > ratio;
        return m;
    }

    /** Training mode draws masks; inference mode scales by (1 − ratio). */
    public Dropout training(boolean on) {
        this.training = on;
        return this;
    }

    public double ratio() {
        return ratio;
    }

    /** The keep-mask of the last training-mode forward (true = kept), a copy; for checks that replay a pass. */
    public boolean[] lastMask() {
        // set by a forward only, so it also says that a forward ran
        LayerChecks.requireForward(name(), lastForwardTraining ? mask : null);
        return java.util.Arrays.copyOf(mask, out.getNumElements());
    }

    @Override
    void apply(double[] x, double[] out, int n) {
        if (training) {
            if (mask.length < n) mask = new boolean[n];
            for (int i = 0; i < n; i++) {
                mask[i] = rng.nextDouble() > ratio;
                out[i] = mask[i] ? x[i] : 0.0;
            }
        } else {
            for (int i = 0; i < n; i++) out[i] = x[i] * (1 - ratio);
        }
        lastForwardTraining = training;
    }

    @Override
    void gradient(double[] dout, double[] dx, int n) {
        for (int i = 0; i < n; i++) dx[i] = lastForwardTraining ? (mask[i] ? dout[i] : 0.0) : dout[i] * (1 - ratio);
    }
}
