package io.github.tapegrad.samples.cli;

import io.github.tapegrad.nn.optim.Optimizer;
import io.github.tapegrad.samples.data.MnistSource;
import io.github.tapegrad.samples.models.MultiLayerNet;
import io.github.tapegrad.samples.models.NetConfig;
import io.github.tapegrad.samples.models.WeightInit;
import io.github.tapegrad.samples.io.AtomicFiles;
import io.github.tapegrad.samples.plot.TrainingPlot;
import io.github.tapegrad.samples.training.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The book's optimizer comparison on MNIST (chapter 6, optimizer_compare_mnist.py). */
@Command(name = "compare-optimizers", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train the same network with each optimizer (book defaults) from the same initial weights and batches;"
                + " plot the loss against the iteration and print the final accuracies.")
public final class CompareOptimizersCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the four MNIST files (default: the default folder, else the bundled subset)")
    Path data;

    @Option(names = "--iterations", description = "steps per optimizer (default: ${DEFAULT-VALUE}, as the book)", defaultValue = "2000")
    int iterations;

    @Option(names = "--batch-size", description = "examples per step (default: ${DEFAULT-VALUE}, as the book)", defaultValue = "128")
    int batchSize;

    @Option(names = "--hidden", paramLabel = "N[,N...]", description = "hidden layer sizes (default: 100,100,100,100, as the book)",
            defaultValue = "100,100,100,100", converter = Models.HiddenConverter.class)
    Models.Hidden hidden;

    @Option(names = "--seed", description = "seed of the weights and batches, the same for every optimizer (default: ${DEFAULT-VALUE})",
            defaultValue = "0")
    long seed;

    @Option(names = "--optimizers", split = ",", description = "which to compare (default: all six)",
            defaultValue = "sgd,momentum,nesterov,adagrad,rmsprop,adam")
    String[] optimizers;

    @Option(names = "--plot", paramLabel = "FILE", description = {"write the loss curves to FILE, a PNG or an SVG as",
            "its name ends"})
    Path plot;
    private TrainingPlot.Format plotFormat;

    @Option(names = "--linear", description = "plot the loss on a linear axis cut at 2.5 (default: a log axis)")
    boolean linear;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // every name and the plot file are checked before the first optimizer trains
        if (iterations < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--iterations must be at least 1, got " + iterations);
        if (batchSize < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--batch-size must be at least 1, got " + batchSize);
        for (String name : optimizers) {
            try {
                Models.optimizer(name, null);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--optimizers: " + e.getMessage());
            }
        }
        if (plot != null) plotFormat = Models.checkPlot(spec, plot);
        MnistSource.Loaded loaded = MnistSource.load(data);
        out.println((loaded.bundled() ? "note: using " : "data: ") + loaded.description());
        // as the book: ReLU with He initialisation
        NetConfig config = new NetConfig(loaded.train().features(), hidden.sizes(), loaded.classes(), NetConfig.Activation.RELU, new WeightInit.He(),
                false, 0, 0);
        out.printf(Locale.ROOT, "%s, %d iterations, batch %d, seed %d%n", config, iterations, batchSize, seed);
        out.printf(Locale.ROOT, "%-38s %12s %10s %10s %9s%n", "optimizer", "final loss", "train acc", "test acc", "seconds");
        // NOTE: one untimed warm-up run first, shared by all: the JIT compiles the step's kernels during it, and the
        // first optimizer's seconds would otherwise include that compilation (SGD 4.46 s against Adam 1.06 s for the
        // same 200 iterations, before this warm-up)
        Random warmRng = new Random(seed + 1);
        MultiLayerNet warm = new MultiLayerNet(config, warmRng);
        Trainer.loop(Math.min(iterations, 200), batchSize, warmRng, loaded.train(), loaded.test(), new Trainer.Listener() {},
                warm.trainingStep(Models.optimizer("sgd", null)), data -> 0.0);
        Map<String, double[]> curves = new LinkedHashMap<>();
        for (String name : optimizers) {
            Optimizer opt = Models.optimizer(name, null);
            Random rng = new Random(seed);
            MultiLayerNet net = new MultiLayerNet(config, rng);
            Trainer.Result r = Trainer.loop(iterations, batchSize, rng, loaded.train(), loaded.test(), new Trainer.Listener() {},
                    net.trainingStep(opt), net::accuracy);
            int k = Math.min(100, r.losses().length);
            double mean = 0;
            for (int i = r.losses().length - k; i < r.losses().length; i++) mean += r.losses()[i] / k;
            out.printf(Locale.ROOT, "%-38s %12.5f %10.4f %10.4f %9.2f%n", opt, mean, r.finalTrainAccuracy(), r.finalTestAccuracy(),
                    r.loopSeconds());
            out.flush();
            curves.put(opt.toString(), r.losses());
        }
        out.println("final loss: mean of the last 100 iterations' losses; seconds: the training loop, after a shared warm-up run");
        if (plot != null) {
            TrainingPlot.Format format = plotFormat;
            AtomicFiles.write(plot, o -> TrainingPlot.writeLosses(curves, !linear, format, o));
            out.println("plot: " + plot);
        }
        out.flush();
        return 0;
    }
}
