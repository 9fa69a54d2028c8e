package io.github.tapegrad.samples.models;

import io.github.tapegrad.nn.Layer;
import io.github.tapegrad.nn.optim.Param;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/** Where a network's numbers first stop being finite: for errors that name the place instead of printing NaN. */
final class Finiteness {
    private Finiteness() {}

    /** "(r, c)" of the first NaN or ±∞ of {@code m}, or null. */
    static String firstBad(DMatrixRMaj m) {
        double[] d = m.data;
        for (int i = 0, n = m.getNumElements(); i < n; i++) {
            if (!Double.isFinite(d[i])) return d[i] + " at (" + i / m.numCols + ", " + i % m.numCols + ")";
        }
        return null;
    }

    /** The first parameter holding NaN or ±∞, described, or null. */
    static String badParameter(List<Param> params) {
        for (Param p : params) {
            String bad = firstBad(p.value());
            if (bad != null) return "parameter " + p.name() + " holds " + bad;
        }
        return null;
    }

    /**
     * Where the forward pass of {@code x} through {@code layers} first gives a non-finite value: a parameter, the input,
     * or a layer's output; or a note that all of them are finite (then the loss layer itself overflowed).
     */
    static String diagnose(List<Param> params, Layer[] layers, DMatrixRMaj x) {
        String bad = badParameter(params);
        if (bad != null) return bad;
        bad = firstBad(x);
        if (bad != null) return "the input batch holds " + bad;
        DMatrixRMaj out = x;
        for (Layer layer : layers) {
            out = layer.forward(out);
            bad = firstBad(out);
            if (bad != null) return layer.name() + " produced " + bad + " from finite inputs";
        }
        return ALL_FINITE;
    }

    /**
     * NaN when a gradient pass failed with {@code failure} because a value went non-finite on the way (a layer that
     * refuses non-finite input, say): the engines then all report a non-finite loss the same way. Any other failure is
     * rethrown. (A catch block at the call site, not a lambda: the hand-written step must allocate nothing.)
     */
    static double nanIfNonFinite(IllegalArgumentException failure, List<Param> params, Layer[] layers, DMatrixRMaj x) {
        if (diagnose(params, layers, x).equals(ALL_FINITE)) throw failure;
        return Double.NaN;
    }

    private static final String ALL_FINITE = "the scores are finite, the loss layer overflowed";

    /**
     * Throws when a parameter is not finite: evaluating such a network would report a meaningless accuracy.
     *
     * @param what the network, for the message
     */
    static void requireFiniteParameters(String what, List<Param> params) {
        String bad = badParameter(params);
        if (bad != null) throw new IllegalStateException(what + ": " + bad + "; it cannot be evaluated");
    }

    /**
     * Accuracy over a whole data set in blocks of {@code block} rows, after refusing non-finite parameters and an empty
     * set: the evaluation the networks share.
     */
    static double blockAccuracy(String what, List<Param> params, io.github.tapegrad.samples.data.MnistData data, int block,
                                java.util.function.UnaryOperator<DMatrixRMaj> predict) {
        requireFiniteParameters(what, params);
        if (data.size() == 0) throw new IllegalArgumentException(data.name() + " is empty: accuracy needs at least one example");
        DMatrixRMaj x = new DMatrixRMaj(1, 1);
        int correct = 0;
        for (int from = 0; from < data.size(); from += block) {
            data.range(from, Math.min(data.size(), from + block), x);
            correct += data.countCorrect(predict.apply(x), from);
        }
        return (double) correct / data.size();
    }
}
