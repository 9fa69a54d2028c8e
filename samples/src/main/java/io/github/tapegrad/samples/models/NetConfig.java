package io.github.tapegrad.samples.models;

import java.util.Arrays;

/**
 * The shape and regularisation of a {@link MultiLayerNet}: Affine → [BatchNormalization] → activation → [Dropout]
 * per hidden layer (the book's MultiLayerNetExtend order), then Affine → SoftmaxWithLoss.
 *
 * @param dropout     dropout ratio after each hidden activation; 0 for none
 * @param weightDecay L2 coefficient λ: the loss gains ½·λ·Σ‖W‖² over the weights (not the biases)
 */
public record NetConfig(int inputSize, int[] hidden, int outputSize, Activation activation, WeightInit init,
                        boolean batchNorm, double dropout, double weightDecay) {

    /** The hidden layers' activation. */
    public enum Activation { RELU, SIGMOID }

    public NetConfig {
        hidden = hidden.clone();
        if (inputSize <= 0 || outputSize <= 0) throw new IllegalArgumentException("network sizes must be positive");
        if (hidden.length == 0) throw new IllegalArgumentException("at least one hidden layer is needed");
        for (int h : hidden) if (h <= 0) throw new IllegalArgumentException("hidden sizes must be positive, got " + Arrays.toString(hidden));
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout ratio must be in [0, 1), got " + dropout);
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    /** Layer sizes from input to output. */
    int[] sizes() {
        int[] s = new int[hidden.length + 2];
        s[0] = inputSize;
        System.arraycopy(hidden, 0, s, 1, hidden.length);
        s[s.length - 1] = outputSize;
        return s;
    }

    @Override
    public String toString() {
        return "MultiLayerNet(" + inputSize + ", " + Arrays.toString(hidden) + ", " + outputSize + "; "
                + activation.name().toLowerCase(java.util.Locale.ROOT) + ", init " + init
                + (batchNorm ? ", batchnorm" : "") + (dropout > 0 ? ", dropout " + dropout : "")
                + (weightDecay > 0 ? ", weight decay " + weightDecay : "") + ")";
    }
}
