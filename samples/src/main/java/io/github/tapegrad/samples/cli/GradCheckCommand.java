package io.github.tapegrad.samples.cli;

import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.samples.data.MnistData;
import io.github.tapegrad.samples.data.MnistSource;
import io.github.tapegrad.samples.models.Parameters;
import io.github.tapegrad.samples.models.TwoLayerNet;
import io.github.tapegrad.samples.models.TwoLayerNetOnTape;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Section 5.7.3: backpropagation against numerical gradients, and against the tape. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
        description = "Section 5.7.3: TwoLayerNet(784, 50, 10) on the first 3 training images -- mean |backprop - numerical|"
                + " per parameter, and mean |tape - backprop|. Every mean must be below 1e-8. With --model convnet: chapter 7's"
                + " small SimpleConvNet (input 1x10x10, 10 filters 3x3, hidden 10) on a random image, every gradient entry"
                + " within GradCheck's default tolerance of central differences, and the tape within 1e-10 of backprop.")
public final class GradCheckCommand implements java.util.concurrent.Callable<Integer> {
    /** The pass bound on every mean difference, from the samples issue (the book prints 1e-10 to 1e-13). */
    static final double BOUND = 1e-8;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the four MNIST files (default: the default folder, else the bundled subset)")
    Path data;

    @Option(names = "--seed", description = "seed of the initial weights (default: ${DEFAULT-VALUE})", defaultValue = "0")
    long seed;

    @Option(names = "--model", description = "twolayer (chapter 5, the default) or convnet (chapter 7's small SimpleConvNet)",
            defaultValue = "twolayer")
    String model;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        switch (model) {
            case "twolayer" -> { }
            case "convnet" -> {
                return ConvNetGradCheck.run(out, seed);
            }
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--model must be twolayer or convnet, got '" + model + "'");
        }
        MnistSource.Loaded loaded = MnistSource.load(data);
        MnistData train = loaded.train();
        TwoLayerNet net = new TwoLayerNet(train.features(), 50, loaded.classes(), 0.01, new Random(seed));
        DMatrixRMaj x = new DMatrixRMaj(1, 1);
        train.range(0, 3, x);
        int[] t = train.labels(0, 3);
        long t0 = System.nanoTime();
        Parameters numerical = net.numericalGradient(x, t);
        long t1 = System.nanoTime();
        net.gradient(x, t);
        TwoLayerNet.Grads g = net.grads();
        Parameters backprop = new Parameters(g.dW1().copy(), g.db1().copy(), g.dW2().copy(), g.db2().copy());
        long t2 = System.nanoTime();
        Parameters tape = TwoLayerNetOnTape.gradient(net.params(), x, t, TwoLayerNetOnTape.Form.COMPOSITE).grads();
        out.println("data: " + loaded.description());
        out.printf(Locale.ROOT, "%-4s %-29s %s%n", "", "mean |backprop - numerical|", "mean |tape - backprop|");
        boolean pass = true;
        for (int k = 0; k < 4; k++) {
            double dn = meanAbsDiff(backprop.get(k), numerical.get(k));
            double dt = meanAbsDiff(tape.get(k), backprop.get(k));
            pass &= dn < BOUND && dt < BOUND;
            out.printf(Locale.ROOT, "%-4s %-29.3e %.3e%n", Parameters.names().get(k) + ":", dn, dt);
        }
        out.printf(Locale.ROOT, "numerical gradient %.2f s, backprop %.2f ms%n", (t1 - t0) / 1e9, (t2 - t1) / 1e6);
        out.println(pass ? "PASS: every mean difference is below 1e-8" : "FAIL: a mean difference is 1e-8 or more");
        out.flush();
        return pass ? 0 : 1;
    }

    static double meanAbsDiff(DMatrixRMaj a, DMatrixRMaj b) {
        double s = 0;
        int n = a.getNumElements();
        for (int i = 0; i < n; i++) s += Math.abs(a.data[i] - b.data[i]);
        return s / n;
    }
}
