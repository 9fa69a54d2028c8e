package io.github.tapegrad.samples.cli;

import io.github.tapegrad.nn.optim.Optimizer;
import io.github.tapegrad.nn.optim.Sgd;
import io.github.tapegrad.samples.data.MnistSource;
import io.github.tapegrad.samples.io.AtomicFiles;
import io.github.tapegrad.samples.io.ModelFiles;
import io.github.tapegrad.samples.models.GradientEngine;
import io.github.tapegrad.samples.models.MultiLayerNet;
import io.github.tapegrad.samples.models.NetConfig;
import io.github.tapegrad.samples.models.Network;
import io.github.tapegrad.samples.models.Parameters;
import io.github.tapegrad.samples.models.SimpleConvNet;
import io.github.tapegrad.samples.models.TwoLayerNet;
import io.github.tapegrad.samples.models.WeightInit;
import io.github.tapegrad.samples.plot.FilterPicture;
import io.github.tapegrad.samples.plot.TrainingPlot;
import io.github.tapegrad.samples.training.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Section 5.7.4: train the TwoLayerNet on MNIST with backpropagation; or the chapter-6 MultiLayerNet. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Section 5.7.4: train the book's TwoLayerNet (--model twolayer, the default) with minibatch SGD, train and"
                + " test accuracy once per epoch; or the chapter-6 MultiLayerNet (--model multilayer) with any optimizer,"
                + " initialisation, BatchNormalization, Dropout and weight decay. Input and output sizes come from the data.")
public final class TrainCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The networks {@code --model} names. */
    enum Model { TWOLAYER, MULTILAYER, CONVNET }

    @Option(names = "--model", description = {"twolayer (the book's chapter-5 network), multilayer", "(chapter 6) or convnet (chapter 7's SimpleConvNet:",
            "conv 30x5x5, pool 2x2, hidden 100, Adam, 20 epochs)", "(default: twolayer, or the kind --load reads)"}, converter = ModelConverter.class)
    Model model;

    @Option(names = "--iterations", description = "training steps (default: the book's 10000 on full MNIST; " + SUBSET_EPOCHS
            + " epochs on the bundled subset, where the book's run would overfit)")
    Integer iterationsOption;

    @Option(names = "--epochs", description = "training length in epochs, passes over the training set of size/batch steps"
            + " each, instead of --iterations")
    Integer epochs;

    /**
     * Epochs of a default run on the bundled subset. NOTE: measured on its 5,000 images (seed 0, batch 100): test accuracy
     * 0.880 after 10 epochs, 0.897 after 20, 0.906 after 30, 0.903 after 50 (train 0.982): more epochs only fit the
     * training images better. The book's 10,000 iterations are 200 epochs there.
     */
    static final int SUBSET_EPOCHS = 30;

    /** Epochs of a default convnet run on full MNIST: the book's train_convnet.py (20 × 600 iterations). */
    static final int CONVNET_EPOCHS = 20;

    /** The training steps of this run, and of one epoch, fixed once the data is loaded. */
    private int iterations;
    private double perEpoch;

    @Option(names = "--batch-size", description = "examples per step (default: ${DEFAULT-VALUE})", defaultValue = "100")
    int batchSize;

    @Option(names = "--optimizer", description = "sgd, momentum, nesterov, adagrad, rmsprop or adam (default: ${DEFAULT-VALUE})",
            defaultValue = "sgd")
    String optimizer;

    @Option(names = "--learning-rate", description = "step size (default: 0.1 for the twolayer model with SGD, as in chapter 5;"
            + " otherwise the book's chapter-6 default of the optimizer: SGD 0.01, Momentum 0.01, Nesterov 0.01, AdaGrad 0.01,"
            + " RMSprop 0.01, Adam 0.001)")
    Double learningRate;

    @Option(names = "--hidden", paramLabel = "N[,N...]", description = "hidden layer sizes: one for twolayer, e.g. 50; any"
            + " number for multilayer, e.g. 100,100,100 (default: 50)", converter = Models.HiddenConverter.class)
    Models.Hidden hidden;

    @Option(names = "--weight-init-std", description = "std of the initial weights (default: 0.01)")
    Double weightInitStd;

    @Option(names = "--engine", description = "twolayer only: how the gradients are computed: hand, tape-fused or"
            + " tape-composite (default: hand)", converter = EngineConverter.class)
    GradientEngine engine;

    @Option(names = "--init", description = "multilayer only: weight initialisation, xavier, he, or a std (default: the"
            + " --weight-init-std)")
    String init;

    @Option(names = "--activation", description = "multilayer only: hidden activation, relu or sigmoid (default: relu)",
            converter = ActivationConverter.class)
    NetConfig.Activation activation;

    @Option(names = "--batchnorm", description = "multilayer only: BatchNormalization after each hidden Affine")
    boolean batchNorm;

    @Option(names = "--dropout", paramLabel = "RATIO", description = "multilayer only: Dropout after each hidden activation"
            + " (default: none)")
    Double dropout;

    @Option(names = "--weight-decay", paramLabel = "LAMBDA", description = "multilayer only: L2 weight decay, loss +"
            + " LAMBDA/2·Σ‖W‖² (default: none)")
    Double weightDecay;

    @Option(names = "--seed", description = "seed of the initial weights and the batches; a seed makes a run exactly repeatable"
            + " (default: ${DEFAULT-VALUE})", defaultValue = "0")
    long seed;

    @Option(names = "--data", paramLabel = "DIR", description = {"folder with the four MNIST-format files, raw or .gz",
            "(default: $TAPEGRAD_MNIST, else", "~/.cache/tapegrad/mnist, else the bundled subset)"})
    Path data;

    @Option(names = "--plot", paramLabel = "FILE", description = {"write the accuracy and loss curves to FILE,",
            "a PNG or an SVG as its name ends"})
    Path plot;
    private TrainingPlot.Format plotFormat;

    @Option(names = "--plot-filters", paramLabel = "FILE.png", description = {"with --model convnet: draw the first layer's filters",
            "before and after training, as the book's figure 7-24"})
    Path plotFilters;

    @Option(names = "--save", paramLabel = "FILE", description = {"write the trained parameters to FILE: a NumPy .npz",
            "(W1, b1, W2, b2, as the book keeps them) when its name", "ends in .npz, else tapegrad's own format"})
    Path save;

    @Option(names = "--load", paramLabel = "FILE", description = {"start from saved parameters, either model, or a .npz",
            "from NumPy (continue training, or evaluate with", "--iterations 0); the file fixes the network's shape"})
    Path load;

    @Option(names = "--quiet", description = "no progress bar or per-epoch lines")
    boolean quiet;

    @Option(names = "--require-test-accuracy", paramLabel = "A", description = "exit with status 3 when the final test"
            + " accuracy is below A (for scripts and CI)")
    Double requiredTestAccuracy;

    /** Train minus test accuracy above which the run ends with a hint about overfitting. */
    static final double OVERFIT_GAP = 0.03;

    /** Options that shape a MultiLayerNet only. */
    private static final List<String> MULTILAYER_ONLY = List.of("--init", "--activation", "--batchnorm", "--dropout", "--weight-decay");
    /** Options that shape or train a TwoLayerNet only. */
    private static final List<String> TWOLAYER_ONLY = List.of("--engine");
    /** Options that shape a new network: the file fixes them when --load is given. */
    private static final List<String> SHAPE = List.of("--hidden", "--weight-init-std", "--init", "--activation", "--batchnorm",
            "--dropout", "--weight-decay");

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // NOTE: the JIT compiles the product kernel on the side while the data loads and training starts, instead of
        // during the first accuracy pass
        long warmUpStart = System.nanoTime();
        Thread warmUp = new Thread(() -> {
            io.github.tapegrad.engine.tensor.Gemm.warmUp();
            warmUpSeconds = (System.nanoTime() - warmUpStart) / 1e9;
        }, "tapegrad-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        Network start = load == null ? null : ModelFiles.read(load);
        Model chosen = checkOptions(start);
        // output files are checked before any work: a bad path must not cost a training run
        if (save != null) {
            AtomicFiles.checkWritable("--save", save);
            if (io.github.tapegrad.samples.io.NumpyFiles.isNpz(save) && chosen == Model.MULTILAYER) {
                throw bad("--save " + save + ": a .npz holds a TwoLayerNet or a SimpleConvNet; save the multilayer model as a .bin");
            }
        }
        if (plot != null) plotFormat = Models.checkPlot(spec, plot);
        if (plotFilters != null) {
            if (chosen != Model.CONVNET) throw bad("--plot-filters draws a convolution's filters: it needs --model convnet");
            if (!plotFilters.toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
                throw bad("--plot-filters " + plotFilters + ": the picture is a PNG; name the file FILE.png");
            }
            AtomicFiles.checkWritable("--plot-filters", plotFilters);
        }
        long loadStart = System.nanoTime();
        MnistSource.Loaded loaded = MnistSource.load(data);
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        perEpoch = Math.max((double) loaded.train().size() / batchSize, 1.0);
        iterations = iterationsOption != null ? iterationsOption
                : epochs != null ? (int) Math.min(Integer.MAX_VALUE, Math.ceil(epochs * perEpoch))
                : loaded.bundled() ? (int) Math.ceil(SUBSET_EPOCHS * perEpoch)
                : chosen == Model.CONVNET ? (int) Math.ceil(CONVNET_EPOCHS * perEpoch) : 10000;
        checkSizes(loaded, start);
        if (loaded.bundled()) out.println("note: using " + loaded.description());
        else out.println("data: " + loaded.description());
        int inputs = loaded.train().features();
        int classes = loaded.classes();
        if (start != null) {
            if (start.inputSize() != inputs || start.outputSize() < classes) {
                throw new IllegalArgumentException(load + " holds " + start.describe() + ", but the data has " + inputs
                        + " pixels per image and " + classes + " classes");
            }
            out.println("loaded " + load + ": " + start.describe());
        }
        double std = weightInitStd == null ? 0.01 : weightInitStd;
        // the convnet trains with Adam unless told otherwise, as the book's train_convnet.py
        String optimizerName = chosen == Model.CONVNET && !spec.commandLine().getParseResult().hasMatchedOption("--optimizer") ? "adam" : optimizer;
        Optimizer opt = chosen == Model.TWOLAYER && learningRate == null && "sgd".equalsIgnoreCase(optimizerName.trim())
                ? new Sgd(0.1) : Models.optimizer(optimizerName, learningRate);
        Random rng = new Random(seed);
        Network net;
        Network.Step step;
        DMatrixRMaj filtersBefore = null;
        if (chosen == Model.TWOLAYER) {
            GradientEngine how = engine == null ? GradientEngine.HAND : engine;
            int[] h = hidden == null ? new int[] {50} : hidden.sizes();
            TwoLayerNet two = start != null ? (TwoLayerNet) start
                    : new TwoLayerNet(Parameters.initial(inputs, h[0], classes, std, rng));
            out.printf(Locale.ROOT, "%s: %s, batch %d, %s, weight init std %s, seed %d, engine %s%n", two.describe(),
                    length(), batchSize, opt, start != null ? "(loaded)" : String.valueOf(std), seed, how.cliName());
            net = two;
            step = two.trainingStep(how, opt);
        } else if (chosen == Model.CONVNET) {
            int side = loaded.train().side();
            if (side == 0 || side * side != inputs) throw new IllegalArgumentException("--model convnet needs square images; the data's are not");
            SimpleConvNet conv = start != null ? (SimpleConvNet) start
                    : new SimpleConvNet(new SimpleConvNet.Config(1, side, side, 30, 5, hidden == null ? 100 : hidden.sizes()[0], classes), std, rng);
            out.printf(Locale.ROOT, "%s: %s, batch %d, %s, weight init std %s, seed %d%n", conv.describe(), length(), batchSize, opt,
                    start != null ? "(loaded)" : String.valueOf(std), seed);
            net = conv;
            step = conv.trainingStep(opt);
            filtersBefore = conv.trainableParams().get(0).value().copy();
        } else {
            MultiLayerNet multi = start != null ? (MultiLayerNet) start
                    : new MultiLayerNet(new NetConfig(inputs, hidden == null ? new int[] {50} : hidden.sizes(), classes,
                    activation == null ? NetConfig.Activation.RELU : activation,
                    init == null ? new WeightInit.Fixed(std) : WeightInit.parse(init), batchNorm,
                    dropout == null ? 0 : dropout, weightDecay == null ? 0 : weightDecay), rng);
            out.printf(Locale.ROOT, "%s: %s, batch %d, %s, seed %d%n", multi.describe(), length(), batchSize, opt, seed);
            net = multi;
            step = multi.trainingStep(opt);
        }
        printCommon(out);
        // NOTE: the kernels' warm-up finishes before the loop starts, so that start-up, not training, pays for it (the
        // first accuracy pass took 0.57 s against 0.08 s later without the wait, 0.2-0.37 s with it: the rest is the JIT
        // compiling the pass's own loops)
        long waitStart = System.nanoTime();
        warmUp.join();
        double warmUpWait = (System.nanoTime() - waitStart) / 1e9;
        Progress progress = new Progress(out, iterations, !quiet && System.console() != null && System.getenv("CI") == null, quiet);
        // the book's convnet measures the first 1,000 train and test images after each epoch, and every test image at the end
        Trainer.Accuracy epochAccuracy = chosen == Model.CONVNET ? d -> net.accuracy(d.head(1000)) : net::accuracy;
        Trainer.Result r = Trainer.loop(iterations, batchSize, rng, loaded.train(), loaded.test(), progress, step, epochAccuracy, net::accuracy);
        progress.finish();
        out.printf(Locale.ROOT, "done: %d iterations in %.2f s (%.3f ms per iteration; %d accuracy passes took %.2f s)%n",
                iterations, r.loopSeconds(), r.msPerIteration(), r.evalIterations().size(), r.evalSeconds());
        out.printf(Locale.ROOT, "after the last iteration: train acc %.4f  test acc %.4f%n", r.finalTrainAccuracy(), r.finalTestAccuracy());
        out.println(startUp(loadSeconds, warmUpWait, r.evalPassSeconds()));
        if (r.losses().length > 0) {
            int k = Math.min(100, r.losses().length);
            double mean = 0;
            for (int i = r.losses().length - k; i < r.losses().length; i++) mean += r.losses()[i];
            out.printf(Locale.ROOT, "mean loss of the last %d iterations: %.5f%n", k, mean / k);
        }
        double gap = r.finalTrainAccuracy() - r.finalTestAccuracy();
        if (gap > OVERFIT_GAP) {
            out.printf(Locale.ROOT, "hint: train accuracy is %.3f above test accuracy: the network fits its %d training images better"
                    + " than new ones (overfitting)%s%n", gap, loaded.train().size(), loaded.bundled()
                    ? "; the full MNIST (scripts/fetch-mnist.sh) helps more than more epochs" : "; more epochs will not close the gap");
        }
        // the parameters first: a plot that fails must not cost them
        if (save != null) {
            AtomicFiles.write(save, o -> ModelFiles.write(net, save, o));
            out.println("saved: " + save);
        }
        if (plot != null) {
            TrainingPlot.Format format = plotFormat;
            AtomicFiles.write(plot, o -> TrainingPlot.write(r, format, o));
            out.println("plot: " + plot);
        }
        if (plotFilters != null) {
            DMatrixRMaj before = filtersBefore;
            SimpleConvNet conv = (SimpleConvNet) net;
            AtomicFiles.write(plotFilters, o -> FilterPicture.write(before, conv.trainableParams().get(0).value(), conv.config().filterSize(), o));
            out.println("filters: " + plotFilters);
        }
        if (requiredTestAccuracy != null && !(r.finalTestAccuracy() >= requiredTestAccuracy)) {
            out.printf(Locale.ROOT, "FAIL: test accuracy %.4f is below the required %.4f%n", r.finalTestAccuracy(), requiredTestAccuracy);
            out.flush();
            return 3;
        }
        out.flush();
        return 0;
    }

    /**
     * The model to train: {@code --model}, else the kind of the loaded file, else twolayer. An option that does not
     * apply to it is an error, never a silent switch to another network.
     */
    private Model checkOptions(Network start) {
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        Model fromFile = start == null ? null : start instanceof TwoLayerNet ? Model.TWOLAYER
                : start instanceof SimpleConvNet ? Model.CONVNET : Model.MULTILAYER;
        if (model != null && fromFile != null && model != fromFile) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model " + name(model) + " does not match " + load
                    + ", which holds a " + start.describe());
        }
        Model chosen = model != null ? model : fromFile != null ? fromFile : Model.TWOLAYER;
        if (iterationsOption != null && epochs != null) throw bad("--iterations and --epochs both set the length of the run; give one");
        if (iterationsOption != null && iterationsOption < 0) throw bad("--iterations must be >= 0, got " + iterationsOption);
        if (epochs != null && epochs < 0) throw bad("--epochs must be >= 0, got " + epochs);
        if (batchSize <= 0) throw bad("--batch-size must be positive, got " + batchSize);
        if (learningRate != null && !(learningRate > 0 && Double.isFinite(learningRate))) {
            throw bad("--learning-rate must be a finite number > 0, got " + learningRate);
        }
        if (weightInitStd != null && !(weightInitStd >= 0 && Double.isFinite(weightInitStd))) {
            throw bad("--weight-init-std must be a finite number >= 0, got " + weightInitStd);
        }
        if (dropout != null && !(dropout >= 0 && dropout < 1)) throw bad("--dropout must be in [0, 1), got " + dropout);
        if (weightDecay != null && !(weightDecay >= 0 && Double.isFinite(weightDecay))) {
            throw bad("--weight-decay must be a finite number >= 0, got " + weightDecay);
        }
        if (requiredTestAccuracy != null && !(requiredTestAccuracy >= 0 && requiredTestAccuracy <= 1)) {
            throw bad("--require-test-accuracy must be in [0, 1], got " + requiredTestAccuracy);
        }
        if (init != null) {
            try {
                WeightInit.parse(init);
            } catch (IllegalArgumentException e) {
                throw bad("--init " + init + ": " + e.getMessage());
            }
        }
        try {
            Models.optimizer(optimizer, learningRate);
        } catch (IllegalArgumentException e) {
            throw bad("--optimizer " + e.getMessage());
        }
        List<String> notHere = chosen == Model.TWOLAYER ? MULTILAYER_ONLY : chosen == Model.MULTILAYER ? TWOLAYER_ONLY
                : java.util.stream.Stream.concat(MULTILAYER_ONLY.stream(), TWOLAYER_ONLY.stream()).toList();
        for (String option : notHere) {
            if (given.hasMatchedOption(option)) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + " applies to --model "
                        + (MULTILAYER_ONLY.contains(option) ? "multilayer" : "twolayer") + " only; this run trains the " + name(chosen)
                        + " model" + (model == null ? " (choose the model with --model)" : ""));
            }
        }
        if (start != null) {
            for (String option : SHAPE) {
                if (given.hasMatchedOption(option)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), option + " does not apply with --load: the"
                            + " file fixes the network (" + start.describe() + ")");
                }
            }
        }
        if (chosen != Model.MULTILAYER && hidden != null && hidden.sizes().length != 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--hidden " + hidden + ": the " + name(chosen) + " model has one"
                    + " hidden layer; use --model multilayer for " + hidden.sizes().length);
        }
        return chosen;
    }

    /**
     * Where the time outside the training loop goes: the JVM's start until this command ran, the data load, and the
     * first accuracy pass (which runs while the JIT compiles the kernels) against the later ones.
     */
    private String startUp(double loadSeconds, double warmUpWait, java.util.List<Double> passes) {
        double jvm = (commandStart - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
        String first = passes.isEmpty() ? "" : String.format(Locale.ROOT, "; first accuracy pass %.2f s", passes.get(0));
        String later = passes.size() < 2 ? "" : String.format(Locale.ROOT, ", later ones %.2f s (median)",
                passes.subList(1, passes.size()).stream().sorted().toList().get((passes.size() - 1) / 2));
        return String.format(Locale.ROOT, "start-up: JVM start to command %.2f s, data load %.2f s, kernel warm-up %.2f s (beside the"
                + " data; %.2f s of waiting for it after)%s%s", jvm, loadSeconds, warmUpSeconds, warmUpWait, first, later);
    }

    /** How long the kernels' warm-up took, on its own thread beside the data loading. */
    private volatile double warmUpSeconds;

    /** When this command started, in the epoch milliseconds the JVM's start time is given in. */
    private final long commandStart = System.currentTimeMillis();

    /** "1500 iterations (30 epochs)". */
    private String length() {
        double e = iterations / perEpoch;
        return iterations + " iterations (" + (e == Math.rint(e) ? String.valueOf((long) e) : String.format(Locale.ROOT, "%.1f", e))
                + " epochs)";
    }

    private CommandLine.ParameterException bad(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /**
     * Sizes that depend on the data, checked before anything large is allocated: the batch against the training set,
     * and the memory the run needs (the losses log, the batch, the network) against this JVM's heap.
     */
    private void checkSizes(MnistSource.Loaded loaded, Network start) {
        int n = loaded.train().size();
        if (batchSize > n) throw bad("--batch-size " + batchSize + " is larger than the training set (" + n + " images)");
        long heap = Runtime.getRuntime().maxMemory();
        needs("--iterations " + iterations + ": logging its losses", 8L * iterations, heap);
        needs("--batch-size " + batchSize + ": its buffers", 8L * 6 * batchSize * Math.max(loaded.train().features(), 1), heap);
        if (start == null && hidden != null) {
            long doubles = 0;
            long previous = loaded.train().features();
            int[] sizes = hidden.sizes();
            for (int i = 0; i <= sizes.length; i++) {
                long next = i < sizes.length ? sizes[i] : loaded.classes();
                doubles += previous * next + next;
                previous = next;
            }
            // values, gradients and up to two optimizer states per parameter
            needs("--hidden " + hidden + ": the network's parameters", 8L * 4 * doubles, heap);
            for (int h : sizes) {
                if ((long) h * Math.max(batchSize, loaded.train().features()) > Integer.MAX_VALUE) {
                    throw bad("--hidden " + hidden + ": a layer of " + h + " units makes matrices of more than 2^31 entries");
                }
            }
        }
    }

    private void needs(String what, long bytes, long heap) {
        if (bytes > heap / 2) {
            throw bad(String.format(Locale.ROOT, "%s would need %.1f GB, more than half of this JVM's heap (%.1f GB; -Xmx sets it)",
                    what, bytes / 1e9, heap / 1e9));
        }
    }

    private static String name(Model m) {
        return m.name().toLowerCase(Locale.ROOT);
    }

    private void printCommon(PrintWriter out) {
        out.println("matmul: " + io.github.tapegrad.engine.tensor.Gemm.describe());
        out.println("loss logged per iteration: the loss of the gradient pass (before that step's update)");
        out.flush();
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

    /** Accepts twolayer or multilayer in any case. */
    static final class ModelConverter implements CommandLine.ITypeConverter<Model> {
        @Override
        public Model convert(String value) {
            try {
                return Model.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a model; use twolayer, multilayer or convnet");
            }
        }
    }

    /** Accepts hand, tape-fused, tape-composite in any case. */
    static final class EngineConverter implements CommandLine.ITypeConverter<GradientEngine> {
        @Override
        public GradientEngine convert(String value) {
            try {
                return GradientEngine.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
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
            double rate = (iteration + 1) / Math.max(seconds, 1e-9);
            double left = (total - iteration - 1) / rate;
            out.printf(Locale.ROOT, "\r[%s%s] %3d%%  iter %d/%d  loss %.4f  %.0f it/s  %s left ", "#".repeat(filled),
                    " ".repeat(30 - filled), percent, iteration + 1, total, loss, rate, clock(left));
            out.flush();
        }

        /** 0:07, 1:23, 1:02:03. */
        static String clock(double seconds) {
            long t = Math.round(seconds);
            return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                    : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
        }

        private void clear() {
            if (bar && lastPercent >= 0) out.print("\r" + " ".repeat(96) + "\r");
        }

        void finish() {
            clear();
            out.flush();
        }
    }
}
