package io.github.tapegrad.samples.cli;

import io.github.tapegrad.engine.check.GradCheck;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.engine.tensor.Tolerance;
import io.github.tapegrad.nn.optim.Param;
import io.github.tapegrad.samples.models.SimpleConvNet;
import io.github.tapegrad.samples.models.SimpleConvNetOnTape;
import io.github.tapegrad.samples.models.TwoLayerNetOnTape;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * {@code gradcheck --model convnet}: the book's gradient check of chapter 7's SimpleConvNet on its small net (input
 * 1×10×10, 10 filters 3×3, hidden 10, 10 classes, weights std 0.01; one random image of label 1, as
 * {@code gradient_check} in the book's ch07 code). The hand-written backward against central differences of the
 * hand-written loss, entry by entry within GradCheck's default tolerance, and against the tape, composite and fused,
 * within {@link #TAPE_BOUND}.
 */
final class ConvNetGradCheck {
    /**
     * Hand-written against tape: the same formulas summed in other orders; gradients here are below 1, so rounding
     * differences stay near 1e-16 and 1e-10 catches any wrong rule while allowing any summation order.
     */
    static final double TAPE_BOUND = 1e-10;

    private ConvNetGradCheck() {}

    static int run(PrintWriter out, long seed) {
        Random rng = new Random(seed);
        SimpleConvNet net = new SimpleConvNet(new SimpleConvNet.Config(1, 10, 10, 10, 3, 10, 10), 0.01, rng);
        DMatrixRMaj x = new DMatrixRMaj(1, 100);
        for (int i = 0; i < x.data.length; i++) x.data[i] = rng.nextDouble();
        int[] t = {1};
        List<Param> params = net.trainableParams();

        long t0 = System.nanoTime();
        net.gradient(x, t);
        List<DMatrixRMaj> backprop = params.stream().map(p -> p.grad().copy()).toList();
        long t1 = System.nanoTime();
        GradCheck.Options options = GradCheck.Options.DEFAULT;
        Tolerance tolerance = options.tolerance();
        List<DMatrixRMaj> composite = SimpleConvNetOnTape.gradient(net, x, t, TwoLayerNetOnTape.Form.COMPOSITE);
        List<DMatrixRMaj> fused = SimpleConvNetOnTape.gradient(net, x, t, TwoLayerNetOnTape.Form.FUSED);

        out.println(net.describe() + ", weights std 0.01, seed " + seed + "; one random 10x10 image, label 1");
        out.printf(Locale.ROOT, "numerical: central differences, step %.1e*max(1,|w|); tolerance %s%n", options.step(), tolerance.rule());
        out.printf(Locale.ROOT, "%-4s %8s %21s %14s %16s %22s %18s%n", "", "entries", "max |backprop - num|", "mean", "entries passing",
                "max |composite - bp|", "max |fused - bp|");
        boolean pass = true;
        for (int k = 0; k < params.size(); k++) {
            Param p = params.get(k);
            DMatrixRMaj value = p.value();
            DMatrixRMaj saved = value.copy();
            Tensor numerical = GradCheck.numericalGradient(in -> {
                System.arraycopy(in[0].toArray(), 0, value.data, 0, value.getNumElements());
                return net.loss(x, t);
            }, new Tensor[] {Tensor.fromMatrix(saved)}, 0, options.step());
            System.arraycopy(saved.data, 0, value.data, 0, saved.getNumElements());
            double[] num = numerical.toArray();
            DMatrixRMaj bp = backprop.get(k);
            int passing = 0;
            double max = 0;
            double sum = 0;
            for (int i = 0; i < num.length; i++) {
                double d = Math.abs(bp.data[i] - num[i]);
                max = Math.max(max, d);
                sum += d;
                if (tolerance.accepts(bp.data[i], num[i])) passing++;
            }
            double dc = maxAbsDiff(composite.get(k), bp);
            double df = maxAbsDiff(fused.get(k), bp);
            pass &= passing == num.length && dc <= TAPE_BOUND && df <= TAPE_BOUND;
            out.printf(Locale.ROOT, "%-4s %8d %21.3e %14.3e %16s %22.3e %18.3e%n", p.name() + ":", num.length, max, sum / num.length,
                    passing + "/" + num.length, dc, df);
        }
        out.printf(Locale.ROOT, "backprop %.2f ms%n", (t1 - t0) / 1e6);
        out.println(pass ? "PASS: every entry within the tolerance, and the tape within 1e-10 of backprop"
                : "FAIL: an entry is outside the tolerance, or the tape differs from backprop by more than 1e-10");
        out.flush();
        return pass ? 0 : 1;
    }

    private static double maxAbsDiff(DMatrixRMaj a, DMatrixRMaj b) {
        double max = 0;
        for (int i = 0; i < a.getNumElements(); i++) max = Math.max(max, Math.abs(a.data[i] - b.data[i]));
        return Double.isNaN(max) ? Double.POSITIVE_INFINITY : max;
    }
}
