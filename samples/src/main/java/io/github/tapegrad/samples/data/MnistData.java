package io.github.tapegrad.samples.data;

import io.github.tapegrad.engine.tensor.Tensor;
import org.ejml.data.DMatrixRMaj;

/**
 * A set of images with their labels. Pixels are kept as unsigned bytes (1 byte each, so the full MNIST fits in 55 MB)
 * and converted to doubles in [0, 1] (pixel / 255) one batch at a time.
 */
public final class MnistData {
    private final String name;
    private final int count;
    private final int features;
    private final byte[] pixels;
    private final int[] labels;
    private final int classes;
    private final int side;
    /** Keeps the JIT from removing the cache-line touches of {@link #gather} as dead code. */
    @SuppressWarnings("unused")
    private int sink;
    private static final double[] SCALE = new double[256];

    static {
        for (int i = 0; i < 256; i++) SCALE[i] = i / 255.0;
    }

    /**
     * @throws IllegalArgumentException when the image and label counts differ
     */
    public MnistData(String name, IdxReader.Images images, int[] labels) {
        if (images.count() != labels.length) {
            throw new IllegalArgumentException(name + ": " + images.count() + " images but " + labels.length + " labels");
        }
        this.name = name;
        this.count = images.count();
        this.features = images.rows() * images.cols();
        this.pixels = images.pixels();
        this.labels = labels;
        int max = -1;
        for (int label : labels) {
            if (label < 0) throw new IllegalArgumentException(name + ": negative label " + label);
            max = Math.max(max, label);
        }
        this.classes = max + 1;
        this.side = images.rows() == images.cols() ? images.rows() : 0;
    }

    private MnistData(MnistData all, int n) {
        this.name = all.name + " (first " + n + ")";
        this.count = n;
        this.features = all.features;
        this.pixels = all.pixels;
        this.labels = all.labels;
        this.classes = all.classes;
        this.side = all.side;
    }

    /** The first {@code n} examples (all of them when there are fewer), sharing this set's storage. */
    public MnistData head(int n) {
        return n >= count ? this : new MnistData(this, Math.max(0, n));
    }

    /** The images' side when they are square (28 for MNIST), else 0. */
    public int side() {
        return side;
    }

    public String name() {
        return name;
    }

    /** Number of examples. */
    public int size() {
        return count;
    }

    /** Pixels per image (784 for MNIST). */
    public int features() {
        return features;
    }

    /** Number of classes the labels name: the largest label + 1 (10 for MNIST; 0 for an empty set). */
    public int classes() {
        return classes;
    }

    /** The label of example {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /** All labels; a copy. */
    public int[] labels() {
        return labels.clone();
    }

    /** Unsigned pixel {@code p} of image {@code i}, 0–255. */
    public int pixel(int i, int p) {
        return pixels[i * features + p] & 0xFF;
    }

    /**
     * Copies the examples at {@code rows} into {@code x} (normalised) and their labels into {@code t}; it allocates
     * nothing.
     *
     * @param x reshaped to rows.length × features. Modified.
     * @param t at least rows.length long. Modified.
     */
    public void gather(int[] rows, DMatrixRMaj x, int[] t) {
        x.reshape(rows.length, features);
        double[] out = x.data;
        // NOTE: random rows miss the caches. Touching every cache line of every row first issues those loads side by
        // side instead of one row after another; the conversion below then reads cached bytes (batch of 100 MNIST rows
        // on the development machine: 83 µs converting straight away, 47 µs touching first)
        int touched = 0;
        for (int row : rows) {
            int src = row * features;
            for (int p = 0; p < features; p += 64) touched += pixels[src + p];
            touched += pixels[src + features - 1];
        }
        sink = touched;
        for (int r = 0; r < rows.length; r++) {
            int src = rows[r] * features;
            int dst = r * features;
            for (int p = 0; p < features; p++) out[dst + p] = SCALE[pixels[src + p] & 0xFF];
            t[r] = labels[rows[r]];
        }
    }

    /** Copies examples [from, to) into {@code x} (normalised). */
    public void range(int from, int to, DMatrixRMaj x) {
        x.reshape(to - from, features);
        double[] out = x.data;
        for (int i = 0, n = (to - from) * features, src = from * features; i < n; i++) out[i] = SCALE[pixels[src + i] & 0xFF];
    }

    /** The column of the first largest score in {@code row}: the predicted class. */
    public static int argmax(DMatrixRMaj scores, int row) {
        int c = scores.numCols;
        int best = 0;
        for (int j = 1; j < c; j++) if (scores.data[row * c + j] > scores.data[row * c + best]) best = j;
        return best;
    }

    /** How many rows of {@code scores} predict the label of example {@code from + row}. */
    public int countCorrect(DMatrixRMaj scores, int from) {
        int correct = 0;
        for (int r = 0; r < scores.numRows; r++) if (argmax(scores, r) == labels[from + r]) correct++;
        return correct;
    }

    /** Examples [from, to) as a tensor of shape (to − from, features). */
    public Tensor images(int from, int to) {
        DMatrixRMaj x = new DMatrixRMaj(1, 1);
        range(from, to, x);
        return Tensor.fromMatrix(x);
    }

    /** Labels [from, to). */
    public int[] labels(int from, int to) {
        return java.util.Arrays.copyOfRange(labels, from, to);
    }
}
