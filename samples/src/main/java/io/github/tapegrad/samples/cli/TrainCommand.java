package io.github.tapegrad.samples.cli;

import io.github.tapegrad.nn.optim.Optimizer;
import io.github.tapegrad.samples.mnist.MnistSource;
import io.github.tapegrad.samples.multilayer.MultiLayerNet;
import io.github.tapegrad.samples.multilayer.NetConfig;
import io.github.tapegrad.samples.multilayer.WeightInit;
import io.github.tapegrad.samples.plot.TrainingPlot;
import io.github.tapegrad.samples.twolayer.Parameters;
import io.github.tapegrad.samples.twolayer.TrainConfig;
import io.github.tapegrad.samples.twolayer.Trainer;
import io.github.tapegrad.samples.twolayer.TwoLayerNet;
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
        description = "Section 5.7.4: train TwoLayerNet(784, hidden, 10) with minibatch SGD, train and test accuracy once per epoch;"
                + " with --optimizer, several --hidden sizes, --init, --batchnorm, --dropout or --weight-decay, the chapter-6"
                + " MultiLayerNet.")
public final class TrainCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--iterations", description = "training steps (default: ${DEFAULT-VALUE})", defaultValue = "10000")
    int iterations;

    @Option(names = "--batch-size", description = "examples per step (default: ${DEFAULT-VALUE})", defaultValue = "100")
    int batchSize;

    @Option(names = "--learning-rate", description = "step size (default: 0.1 for SGD as in chapter 5; the book's chapter-6"
            + " default for the other optimizers)")
    Double learningRate;

    @Option(names = "--hidden", paramLabel = "N[,N...]", description = "hidden layer sizes, e.g. 50 or 100,100,100 (default: 50)",
            defaultValue = "50", converter = Models.HiddenConverter.class)
    Models.Hidden hidden;

    @Option(names = "--weight-init-std", description = "std of the initial weights (default: ${DEFAULT-VALUE})", defaultValue = "0.01")
    double weightInitStd;

    @Option(names = "--optimizer", description = "sgd, momentum, nesterov, adagrad, rmsprop or adam (default: ${DEFAULT-VALUE})",
            defaultValue = "sgd")
    String optimizer;

    @Option(names = "--init", description = "weight initialisation: xavier, he, or a std (default: --weight-init-std)")
    String init;

    @Option(names = "--activation", description = "hidden activation: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
            defaultValue = "RELU", converter = ActivationConverter.class)
    NetConfig.Activation activation;

    @Option(names = "--batchnorm", description = "BatchNormalization after each hidden Affine")
    boolean batchNorm;

    @Option(names = "--dropout", paramLabel = "RATIO", description = "Dropout after each hidden activation (default: none)",
            defaultValue = "0")
    double dropout;

    @Option(names = "--weight-decay", paramLabel = "LAMBDA", description = "L2 weight decay: loss + LAMBDA/2·Σ‖W‖² (default: none)",
            defaultValue = "0")
    double weightDecay;

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
        // NOTE: the JIT compiles the product kernel on the side while the data loads and training starts, instead of
        // during the first accuracy pass (in-process: start to end of the first pass 1.0–1.07 s, against 1.25–1.45 s)
        Thread warmUp = new Thread(io.github.tapegrad.engine.tensor.Gemm::warmUp, "tapegrad-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        MnistSource.Loaded loaded = MnistSource.load(data);
        if (loaded.bundled()) out.println("note: using " + loaded.description());
        else out.println("data: " + loaded.description());
        Models.Loaded start = load == null ? null : Models.load(load);
        if (start != null) {
            if (start.inputSize() != loaded.train().features()) {
                throw new IllegalArgumentException(load + " holds a network for " + start.inputSize()
                        + " inputs, but the data has " + loaded.train().features() + " pixels per image");
            }
            out.println("loaded " + load + ": " + start.describe());
        }
        boolean book = start != null ? start.twoLayer() != null : isBookNetwork();
        Trainer.Result r;
        Progress progress = new Progress(out, iterations, !quiet && System.console() != null && System.getenv("CI") == null, quiet);
        Runnable saver;
        if (book) {
            TwoLayerNet net = start != null ? start.twoLayer() : null;
            int h = net != null ? net.params().hiddenSize() : hidden.sizes()[0];
            TrainConfig config = new TrainConfig(iterations, batchSize, learningRate == null ? 0.1 : learningRate, h, weightInitStd, seed, engine);
            out.printf(Locale.ROOT, "TwoLayerNet(%d, %d, 10): %d iterations, batch %d, learning rate %s, weight init std %s, seed %d,"
                            + " engine %s%n", loaded.train().features(), h, iterations, batchSize, config.learningRate(), weightInitStd, seed,
                    engine.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            printCommon(out);
            Random rng = new Random(seed);
            if (net == null) net = new TwoLayerNet(Parameters.initial(loaded.train().features(), h, 10, weightInitStd, rng));
            r = Trainer.train(config, net, rng, loaded.train(), loaded.test(), progress);
            TwoLayerNet trained = net;
            saver = () -> write(o -> trained.params().write(o));
        } else {
            if (engine != TrainConfig.Engine.HAND) {
                throw new IllegalArgumentException("--engine " + engine.name().toLowerCase(Locale.ROOT).replace('_', '-')
                        + " is available for the book's TwoLayerNet only; this network trains with the hand-written layers");
            }
            Random rng = new Random(seed);
            MultiLayerNet net = start != null ? start.multiLayer() : new MultiLayerNet(new NetConfig(loaded.train().features(),
                    hidden.sizes(), 10, activation, init == null ? new WeightInit.Fixed(weightInitStd) : WeightInit.parse(init),
                    batchNorm, dropout, weightDecay), rng);
            Optimizer opt = Models.optimizer(optimizer, learningRate);
            out.printf(Locale.ROOT, "%s: %d iterations, batch %d, %s, seed %d%n", net.config(), iterations, batchSize, opt, seed);
            printCommon(out);
            r = Trainer.loop(iterations, batchSize, rng, loaded.train(), loaded.test(), progress, net.step(opt), net::accuracy);
            saver = () -> write(net::write);
        }
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
            saver.run();
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

    /** The book's chapter-5 network: one hidden ReLU layer, SGD, fixed-std initialisation, no regularisation. */
    private boolean isBookNetwork() {
        return hidden.sizes().length == 1 && "sgd".equalsIgnoreCase(optimizer.trim()) && activation == NetConfig.Activation.RELU
                && (init == null || WeightInit.parse(init) instanceof WeightInit.Fixed f && f.std() == weightInitStd)
                && !batchNorm && dropout == 0 && weightDecay == 0;
    }

    private void printCommon(PrintWriter out) {
        out.println("matmul: " + io.github.tapegrad.engine.tensor.Gemm.describe());
        out.println("loss logged per iteration: the loss of the gradient pass (before that step's update)");
        out.flush();
    }

    /** Writes the parameter file; I/O errors surface as unchecked, named by the file. */
    private void write(Writer writer) {
        try (OutputStream o = Files.newOutputStream(save)) {
            writer.write(o);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(save + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Writer {
        void write(OutputStream o) throws java.io.IOException;
    }

    /** Accepts relu or sigmoid in any case. */
    static final class ActivationConverter implements CommandLine.ITypeConverter<NetConfig.Activation> {
        @Override
        public NetConfig.Activation convert(String value) {
            try {
                return NetConfig.Activation.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an activation; use relu or sigmoid");
            }
        }
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
