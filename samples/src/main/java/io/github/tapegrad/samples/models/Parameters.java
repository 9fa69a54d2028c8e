package io.github.tapegrad.samples.models;

import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * The TwoLayerNet's parameters W1 (D×H), b1 (1×H), W2 (H×C), b2 (1×C); {@code io.ModelFiles} reads and writes them.
 */
public record Parameters(DMatrixRMaj W1, DMatrixRMaj b1, DMatrixRMaj W2, DMatrixRMaj b2) {
    private static final List<String> NAMES = List.of("W1", "b1", "W2", "b2");

    public Parameters {
        check(W1.numCols == b1.numCols && b1.numRows == 1 && W2.numRows == W1.numCols && W2.numCols == b2.numCols && b2.numRows == 1,
                W1, b1, W2, b2);
    }

    private static void check(boolean ok, DMatrixRMaj w1, DMatrixRMaj b1, DMatrixRMaj w2, DMatrixRMaj b2) {
        if (!ok) {
            throw new IllegalArgumentException("TwoLayerNet parameters do not fit together: W1 " + shape(w1) + ", b1 " + shape(b1)
                    + ", W2 " + shape(w2) + ", b2 " + shape(b2));
        }
    }

    private static String shape(DMatrixRMaj m) {
        return "(" + m.numRows + "x" + m.numCols + ")";
    }

    /** The book's initialisation: weights std·N(0, 1) from {@code rng} (W1 row-major, then W2), biases 0. */
    public static Parameters initial(int inputSize, int hiddenSize, int outputSize, double std, Random rng) {
        if (inputSize <= 0 || hiddenSize <= 0 || outputSize <= 0) {
            throw new IllegalArgumentException("TwoLayerNet sizes must be positive: " + inputSize + ", " + hiddenSize + ", " + outputSize);
        }
        DMatrixRMaj w1 = new DMatrixRMaj(inputSize, hiddenSize);
        DMatrixRMaj w2 = new DMatrixRMaj(hiddenSize, outputSize);
        for (int i = 0; i < w1.data.length; i++) w1.data[i] = std * rng.nextGaussian();
        for (int i = 0; i < w2.data.length; i++) w2.data[i] = std * rng.nextGaussian();
        return new Parameters(w1, new DMatrixRMaj(1, hiddenSize), w2, new DMatrixRMaj(1, outputSize));
    }

    /** Zeros of the same shapes. */
    public static Parameters zerosLike(Parameters p) {
        return new Parameters(new DMatrixRMaj(p.W1.numRows, p.W1.numCols), new DMatrixRMaj(1, p.b1.numCols),
                new DMatrixRMaj(p.W2.numRows, p.W2.numCols), new DMatrixRMaj(1, p.b2.numCols));
    }

    /** A deep copy. */
    public Parameters copy() {
        return new Parameters(W1.copy(), b1.copy(), W2.copy(), b2.copy());
    }

    /** Parameter {@code k} in the order W1, b1, W2, b2. */
    public DMatrixRMaj get(int k) {
        return switch (k) {
            case 0 -> W1;
            case 1 -> b1;
            case 2 -> W2;
            case 3 -> b2;
            default -> throw new IndexOutOfBoundsException("parameter " + k + " of 4");
        };
    }

    /** The names W1, b1, W2, b2. */
    public static List<String> names() {
        return NAMES;
    }

    public int inputSize() {
        return W1.numRows;
    }

    public int hiddenSize() {
        return W1.numCols;
    }

    public int outputSize() {
        return W2.numCols;
    }
}
