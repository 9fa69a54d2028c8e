package io.github.tapegrad.samples.cli;

import io.github.tapegrad.samples.mnist.MnistSource;
import io.github.tapegrad.samples.plot.TrainingPlot;
import io.github.tapegrad.samples.twolayer.Parameters;
import io.github.tapegrad.samples.twolayer.TrainConfig;
import io.github.tapegrad.samples.twolayer.Trainer;
import io.github.tapegrad.samples.twolayer.TwoLayerNet;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Section 5.7.4: train the TwoLayerNet on MNIST with backpropagation. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Section 5.7.4: train TwoLayerNet(784, hidden, 10) with minibatch SGD; train and test accuracy once per epoch.")
public final class TrainCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--iterations", description = "SGD steps (default: ${DEFAULT-VALUE})", defaultValue = "10000")
    int iterations;

    @Option(names = "--batch-size", description = "examples per step (default: ${DEFAULT-VALUE})", defaultValue = "100")
    int batchSize;

    @Option(names = "--learning-rate", description = "SGD step size (default: ${DEFAULT-VALUE})", defaultValue = "0.1")
    double learningRate;

    @Option(names = "--hidden", description = "hidden units (default: ${DEFAULT-VALUE})", defaultValue = "50")
    int hidden;

    @Option(names = "--weight-init-std", description = "std of the initial weights (default: ${DEFAULT-VALUE})", defaultValue = "0.01")
    double weightInitStd;

    @Option(names = "--seed", description = "seed of the initial weights and the batches; a seed makes a run exactly repeatable"
            + " (default: ${DEFAULT-VALUE})", defaultValue = "0")
    long seed;

    @Option(names = "--data", description = "folder with the four MNIST-format files, raw or .gz (default: $TAPEGRAD_MNIST or"
            + " ~/.cache/tapegrad/mnist, else the bundled subset)")
    Path data;

    @Option(names = "--engine", description = "gradient computation: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
            defaultValue = "HAND", converter = EngineConverter.class)
    TrainConfig.Engine engine;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "write the accuracy and loss curves to this PNG")
    Path plot;

    @Option(names = "--save", paramLabel = "FILE", description = "write the trained parameters to this file")
    Path save;

    @Option(names = "--load", paramLabel = "FILE", description = "start from saved parameters (continue training, or evaluate with --iterations 0)")
    Path load;

    @Option(names = "--quiet", description = "no progress bar or per-epoch lines")
    boolean quiet;

    @Option(names = "--require-test-accuracy", paramLabel = "A", description = "exit with status 3 when the final test"
            + " accuracy is below A (for scripts and CI)")
    Double requiredTestAccuracy;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        MnistSource.Loaded loaded = MnistSource.load(data);
        if (loaded.bundled()) out.println("note: using " + loaded.description());
        else out.println("data: " + loaded.description());
        TwoLayerNet net;
        if (load != null) {
            try (InputStream in = Files.newInputStream(load)) {
                net = new TwoLayerNet(Parameters.read(load.toString(), in));
            }
            if (net.params().inputSize() != loaded.train().features()) {
                throw new IllegalArgumentException(load + " holds a network for " + net.params().inputSize()
                        + " inputs, but the data has " + loaded.train().features() + " pixels per image");
            }
            hidden = net.params().hiddenSize();
            out.println("loaded " + load + ": TwoLayerNet(" + net.params().inputSize() + ", " + hidden + ", " + net.params().outputSize() + ")");
        } else {
            net = null;
        }
        TrainConfig config = new TrainConfig(iterations, batchSize, learningRate, hidden, weightInitStd, seed, engine);
        out.printf(Locale.ROOT, "TwoLayerNet(%d, %d, 10): %d iterations, batch %d, learning rate %s, weight init std %s, seed %d,"
                        + " engine %s%n", loaded.train().features(), hidden, iterations, batchSize, learningRate, weightInitStd, seed,
                engine.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        out.println("matmul: " + io.github.tapegrad.engine.tensor.Gemm.describe());
        out.println("loss logged per iteration: the loss of the gradient pass (before that step's update)");
        out.flush();
        Progress progress = new Progress(out, iterations, !quiet && System.console() != null && System.getenv("CI") == null, quiet);
        Trainer.Result r = net == null
                ? Trainer.train(config, loaded.train(), loaded.test(), progress)
                : Trainer.train(config, net, new Random(seed), loaded.train(), loaded.test(), progress);
        progress.finish();
        out.printf(Locale.ROOT, "done: %d iterations in %.2f s (%.3f ms per iteration; %d accuracy passes took %.2f s)%n",
                iterations, r.loopSeconds(), r.msPerIteration(), r.evalIterations().size(), r.evalSeconds());
        out.printf(Locale.ROOT, "after the last iteration: train acc %.4f  test acc %.4f%n", r.finalTrainAccuracy(), r.finalTestAccuracy());
        if (r.losses().length > 0) {
            int k = Math.min(100, r.losses().length);
            double mean = 0;
            for (int i = r.losses().length - k; i < r.losses().length; i++) mean += r.losses()[i];
            out.printf(Locale.ROOT, "mean loss of the last %d iterations: %.5f%n", k, mean / k);
        }
        if (plot != null) {
            TrainingPlot.write(r, plot);
            out.println("plot: " + plot);
        }
        if (save != null) {
            try (OutputStream o = Files.newOutputStream(save)) {
                r.params().write(o);
            }
            out.println("saved: " + save);
        }
        if (requiredTestAccuracy != null && !(r.finalTestAccuracy() >= requiredTestAccuracy)) {
            out.printf(Locale.ROOT, "FAIL: test accuracy %.4f is below the required %.4f%n", r.finalTestAccuracy(), requiredTestAccuracy);
            out.flush();
            return 3;
        }
        out.flush();
        return 0;
    }

    /** Accepts hand, tape-fused, tape-composite in any case. */
    static final class EngineConverter implements CommandLine.ITypeConverter<TrainConfig.Engine> {
        @Override
        public TrainConfig.Engine convert(String value) {
            try {
                return TrainConfig.Engine.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an engine; use hand, tape-fused or tape-composite");
            }
        }
    }

    /** Per-epoch lines; on a terminal also a progress bar redrawn in place. */
    static final class Progress implements Trainer.Listener {
        private final PrintWriter out;
        private final int total;
        private final boolean bar;
        private final boolean quiet;
        private final long start = System.nanoTime();
        private int lastPercent = -1;
        private double lastLoss = Double.NaN;

        Progress(PrintWriter out, int total, boolean bar, boolean quiet) {
            this.out = out;
            this.total = total;
            this.bar = bar;
            this.quiet = quiet;
        }

        @Override
        public void epoch(int iteration, int epoch, double trainAccuracy, double testAccuracy) {
            if (quiet) return;
            clear();
            out.printf(Locale.ROOT, "epoch %3d  iter %6d  train acc %.4f  test acc %.4f%s%n", epoch, iteration, trainAccuracy,
                    testAccuracy, Double.isNaN(lastLoss) ? "" : String.format(Locale.ROOT, "  loss %.4f", lastLoss));
            out.flush();
            lastPercent = -1;
        }

        @Override
        public void step(int iteration, double loss) {
            lastLoss = loss;
            if (!bar || total == 0) return;
            int percent = (int) (100L * (iteration + 1) / total);
            if (percent == lastPercent) return;
            lastPercent = percent;
            int filled = percent * 30 / 100;
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf(Locale.ROOT, "\r[%s%s] %3d%%  iter %d/%d  loss %.4f  %.1f s", "#".repeat(filled), " ".repeat(30 - filled),
                    percent, iteration + 1, total, loss, seconds);
            out.flush();
        }

        private void clear() {
            if (bar && lastPercent >= 0) out.print("\r" + " ".repeat(78) + "\r");
        }

        void finish() {
            clear();
            out.flush();
        }
    }
}
