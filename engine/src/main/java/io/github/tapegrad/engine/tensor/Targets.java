package io.github.tapegrad.engine.tensor;

/** Validation of classification targets, shared by the engine's composites and the layers so that they say the same. */
public final class Targets {
    private Targets() {}

    /**
     * The column of the single 1 in each row of one-hot targets (rows × cols, row-major), into {@code out}.
     *
     * @param who named at the start of an error, for example {@code SoftmaxWithLoss}
     * @throws IllegalArgumentException naming the row, the value and its column, when a row holds anything but C−1
     *                                  zeros and a single 1 (a second 1, another value, NaN, or no 1 at all)
     */
    public static void oneHotIndices(String who, double[] t, int rows, int cols, int[] out) {
        for (int row = 0; row < rows; row++) {
            int hot = -1;
            for (int j = 0; j < cols; j++) {
                double v = t[row * cols + j];
                if (v == 1.0 && hot < 0) {
                    hot = j;
                } else if (v != 0.0) {
                    throw new IllegalArgumentException(who + ": target row " + row + " is not one-hot: value " + v
                            + " at column " + j + (v == 1.0 ? " is a second 1" : ""));
                }
            }
            if (hot < 0) throw new IllegalArgumentException(who + ": target row " + row + " is not one-hot: it has no 1");
            out[row] = hot;
        }
    }

    /** {@link #oneHotIndices(String, double[], int, int, int[])} of a rank-2 tensor; a fresh array. */
    public static int[] oneHotIndices(String who, Tensor targets) {
        Shapes.checkRank(who + " (targets)", targets.shape(), 2);
        int[] out = new int[targets.dim(0)];
        oneHotIndices(who, targets.data().data, targets.dim(0), targets.dim(1), out);
        return out;
    }
}
