package io.github.tapegrad.samples.cli;

import io.github.tapegrad.engine.check.InputReport;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.nn.check.DerivativeReport;
import io.github.tapegrad.nn.check.LayerCase;
import io.github.tapegrad.nn.check.LayerCases;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The per-layer derivative report for every layer at random inputs. */
@Command(name = "verify-layers", mixinStandardHelpOptions = true,
        description = "Check every layer's hand-written backward against the tape and against central differences at random inputs.")
public final class VerifyLayersCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--seed", description = "seed of the random inputs (default: ${DEFAULT-VALUE})", defaultValue = "0")
    long seed;

    @Option(names = "--batch", description = "rows per batch (default: ${DEFAULT-VALUE})", defaultValue = "4")
    int batch;

    @Option(names = "--verbose", description = "print every comparison, not only the summary")
    boolean verbose;

    @Override
    public Integer call() {
        if (batch <= 0) throw new CommandLine.ParameterException(spec.commandLine(), "--batch must be positive, got " + batch);
        PrintWriter out = spec.commandLine().getOut();
        Random r = new Random(seed);
        int n = batch;
        List<LayerCase> cases = List.of(
                LayerCases.mul(Tensor.uniform(r, -2, 2, n, 5), Tensor.uniform(r, -2, 2, n, 5), Tensor.normal(r, 0, 1, n, 5)),
                LayerCases.add(Tensor.uniform(r, -2, 2, n, 5), Tensor.uniform(r, -2, 2, 5), Tensor.normal(r, 0, 1, n, 5)),
                LayerCases.relu(awayFromKink(r, n, 6), Tensor.normal(r, 0, 1, n, 6)),
                LayerCases.sigmoid(Tensor.uniform(r, -10, 10, n, 6), Tensor.normal(r, 0, 1, n, 6)),
                LayerCases.affine(Tensor.uniform(r, -2, 2, n, 7), Tensor.normal(r, 0, 0.5, 7, 5), Tensor.normal(r, 0, 0.5, 5),
                        Tensor.normal(r, 0, 1, n, 5)),
                LayerCases.softmaxWithLoss(Tensor.normal(r, 0, 5, n, 10), r.ints(n, 0, 10).toArray(), 1.0),
                LayerCases.batchNorm(Tensor.uniform(r, -2, 2, Math.max(2, n), 6), Tensor.uniform(r, 0.5, 1.5, 6),
                        Tensor.uniform(r, -1, 1, 6), Tensor.normal(r, 0, 1, Math.max(2, n), 6)),
                LayerCases.dropout(Tensor.uniform(r, -2, 2, n, 6), 0.5, r.nextLong(), Tensor.normal(r, 0, 1, n, 6)),
                // chapter 7: the book's small net's shapes (1 channel 10x10, 3x3 filters), and 2x2 max pooling
                LayerCases.convolution(Tensor.uniform(r, -1, 1, n, 1, 10, 10), Tensor.normal(r, 0, 0.5, 4, 1, 3, 3),
                        Tensor.normal(r, 0, 0.5, 4), 1, 0, Tensor.normal(r, 0, 1, n, 4, 8, 8)),
                LayerCases.pooling(distinct(r, n, 2, 6, 6), 2, 2, 2, 0, Tensor.normal(r, 0, 1, n, 2, 3, 3)));
        out.printf(Locale.ROOT, "%-19s %-6s %-22s %-26s %-22s%n", "layer", "result", "max |hand - tape|",
                "max |analytic - numerical|", "max |fused - composite|");
        boolean all = true;
        for (LayerCase c : cases) {
            DerivativeReport report = DerivativeReport.of(c);
            all &= report.passed();
            out.printf(Locale.ROOT, "%-19s %-6s %-22.2e %-26.2e %-22.2e%n", c.layer(), report.passed() ? "PASS" : "FAIL",
                    report.worstHandVsTape(), report.worstVsNumerical(),
                    report.fusedVsComposite().stream().mapToDouble(InputReport::maxAbsError).max().orElse(0));
            if (verbose || !report.passed()) out.println(report);
        }
        out.println("rules: hand vs tape and fused vs composite |a-b| <= 1e-10*max(1,|a|,|b|);"
                + " vs numerical |a-n| <= 1e-5 + 1e-3*|n|");
        out.println(all ? "all layers PASS" : "some layers FAIL");
        out.flush();
        return all ? 0 : 1;
    }

    private static Tensor awayFromKink(Random r, int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = (r.nextBoolean() ? 1 : -1) * (0.01 + 2 * r.nextDouble());
        return Tensor.of(v, rows, cols);
    }

    /** Values at least 1e-3 apart (a shuffled ramp), so that no pooling window has a tie. */
    private static Tensor distinct(Random r, int... shape) {
        int size = Tensor.zeros(shape).size();
        double[] v = new double[size];
        for (int i = 0; i < size; i++) v[i] = (i - size / 2.0) * 0.01;
        for (int i = size - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.of(v, shape);
    }
}
