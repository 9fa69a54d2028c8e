package io.github.tapegrad.samples.cli;

import io.github.tapegrad.nn.optim.ElementwiseOptimizer;
import io.github.tapegrad.nn.optim.Optimizer;
import io.github.tapegrad.engine.tensor.Gemm;
import io.github.tapegrad.samples.data.MnistData;
import io.github.tapegrad.samples.data.MnistSource;
import io.github.tapegrad.samples.models.GradientEngine;
import io.github.tapegrad.samples.models.Network;
import io.github.tapegrad.samples.training.TrainConfig;
import io.github.tapegrad.samples.training.Trainer;
import io.github.tapegrad.samples.models.TwoLayerNet;
import io.github.tapegrad.samples.models.TwoLayerNetOnTape;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The project's benchmark of the book's workload: training-step times of the three gradient engines measured
 * alternately in one process (so that the machine's noise hits all of them alike), the accuracy pass, allocation
 * per step, and a whole book run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the book's TwoLayerNet workload: ms per training step (hand-written layers, tape with fused"
                + " ops, tape with composites), seconds per accuracy pass, allocation per step, and a whole book run.")
public final class BenchCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the four MNIST files (default: the default folder, else the bundled subset)")
    Path data;

    // NOTE: many short rounds rather than a few long ones: on this shared machine a 15-round median ratio still moved
    // by about ±5% from run to run, and two 41-round runs agreed within 0.3%
    @Option(names = "--steps", description = "training steps per measurement (default: ${DEFAULT-VALUE})", defaultValue = "200")
    int steps;

    @Option(names = "--rounds", description = "alternating measurement rounds; medians are reported (default: ${DEFAULT-VALUE})",
            defaultValue = "31")
    int rounds;

    @Option(names = "--skip-run", description = "skip the whole book run")
    boolean skipRun;

    @Option(names = "--model", description = {"twolayer (the book's chapter-5 workload, the default) or convnet (chapter 7's",
            "SimpleConvNet step: hand-written, tape with fused ops, tape with composites; --steps defaults to 20, --rounds to 11)"},
            defaultValue = "twolayer")
    String model;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (steps < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--steps must be at least 1, got " + steps);
        if (rounds < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--rounds must be at least 1, got " + rounds);
        if (!model.equals("twolayer") && !model.equals("convnet")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model must be twolayer or convnet, got '" + model + "'");
        }
        MnistSource.Loaded loaded = MnistSource.load(data);
        out.println("data: " + loaded.description());
        out.println("matmul: " + Gemm.describe());
        out.println("java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        if (model.equals("convnet")) {
            CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
            ConvNetBench.run(out, loaded.train(), parsed.hasMatchedOption("--steps") ? steps : 20,
                    parsed.hasMatchedOption("--rounds") ? rounds : 11, new ZeroRateSgd());
            out.flush();
            return 0;
        }
        MnistData train = loaded.train();
        Random rng = new Random(0);
        TwoLayerNet net = new TwoLayerNet(train.features(), 50, 10, 0.01, rng);
        Batches batches = new Batches(train, 100, 1);
        Variant[] variants = Variant.values();
        // made once, so that the tape engines keep their tapes (and the fused one its arena) from round to round
        Network.Step[] stepsOf = new Network.Step[variants.length];
        for (int v = 0; v < variants.length; v++) stepsOf[v] = variants[v].steps(net);
        // allocation first, in a process that has run only the hand-written path, as a training run does
        time(stepsOf[0], batches, 2000);
        long[] allocated = allocatedBytes(() -> time(stepsOf[0], batches, steps));
        // the fused tape after its own warm-up: what it allocates per step once its arena has grown to the step's size
        time(stepsOf[1], batches, 2000);
        long[] allocatedFused = allocatedBytes(() -> time(stepsOf[1], batches, steps));
        time(stepsOf[3], batches, 2000);
        long[] allocatedComposite = allocatedBytes(() -> time(stepsOf[3], batches, steps));
        double[][] ms = new double[variants.length][rounds];
        for (Network.Step s : stepsOf) time(s, batches, Math.max(steps, 200));   // warm-up: JIT and buffers
        for (int r = 0; r < rounds; r++) {
            for (int v = 0; v < variants.length; v++) ms[v][r] = time(stepsOf[v], batches, steps);
        }
        out.printf(Locale.ROOT, "RESULT alloc_bytes_per_step_hand=%.1f  (the training thread, %d steps after 2000 warm-up"
                + " steps; other threads: %.1f bytes/step)%n", (double) allocated[0] / steps, steps, (double) allocated[1] / steps);
        out.printf(Locale.ROOT, "RESULT alloc_bytes_per_step_tape_fused=%.1f  (the training thread, %d steps after 2000 warm-up"
                + " steps: the tape's small handle objects (records, values, op closures); tensor storage comes from the"
                + " tape's arena and is reused; other threads: %.1f bytes/step)%n", (double) allocatedFused[0] / steps, steps,
                (double) allocatedFused[1] / steps);
        out.printf(Locale.ROOT, "RESULT alloc_bytes_per_step_tape_composite=%.1f  (the training thread, %d steps after 2000 warm-up"
                + " steps: every forward value is a new tensor; the gradients come from the tape's arena)%n",
                (double) allocatedComposite[0] / steps, steps);
        for (int v = 0; v < variants.length; v++) {
            // NOTE: the ratio is taken within each round, where both engines ran seconds apart, and then the median
            // over rounds: this shared machine's speed drifts by tens of percent between rounds.
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) ratios[r] = ms[v][r] / ms[0][r];
            out.printf(Locale.ROOT, "RESULT step_ms_%s=%.4f  (median of %d rounds of %d steps; ratio to hand %.3f,"
                    + " the median of the per-round ratios; %s)%n", variants[v].name().toLowerCase(Locale.ROOT), median(ms[v]),
                    rounds, steps, median(ratios), variants[v].description);
        }
        double[] eval = new double[3];
        for (int r = 0; r < eval.length; r++) {
            long t0 = System.nanoTime();
            net.accuracy(train);
            net.accuracy(loaded.test());
            eval[r] = (System.nanoTime() - t0) / 1e9;
        }
        out.printf(Locale.ROOT, "RESULT accuracy_pass_seconds=%.4f  (train + test, %d rows, median of 3)%n",
                median(eval), train.size() + loaded.test().size());
        gflops(out, net, batches, train.size() + loaded.test().size(), median(eval));
        if (!skipRun) {
            long t0 = System.nanoTime();
            Trainer.Result r = Trainer.train(TrainConfig.book(), train, loaded.test(), new Trainer.Listener() {}).result();
            double wall = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "RESULT book_run_loop_seconds=%.3f  (steps %.3f s = %.4f ms/step, %d accuracy passes %.3f s)%n",
                    r.loopSeconds(), r.stepSeconds(), r.msPerIteration(), r.evalIterations().size(), r.evalSeconds());
            out.printf(Locale.ROOT, "RESULT book_run_seconds=%.3f  (loop and final accuracy pass)%n", wall);
            out.printf(Locale.ROOT, "RESULT final_accuracy train=%.4f test=%.4f%n", r.finalTrainAccuracy(), r.finalTestAccuracy());
        }
        out.flush();
        return 0;
    }

    /** What is timed: the training engines, and the fused tape with fresh gradients for comparison. */
    private enum Variant {
        HAND(GradientEngine.HAND, "the hand-written layers, buffers reused"),
        TAPE_FUSED(GradientEngine.TAPE_FUSED, "fused ops on a tape rewound each step (storage reused from its arena), gradients copied into the network's buffers"),
        TAPE_FUSED_FRESH(null, "fused ops on a fresh tape each step, fresh storage"),
        TAPE_COMPOSITE(GradientEngine.TAPE_COMPOSITE, "composites of primitives on a tape, gradients copied into the network's buffers");

        /** The training engine this variant runs, or null for the comparison that no engine uses. */
        final GradientEngine engine;
        final String description;

        Variant(GradientEngine engine, String description) {
            this.engine = engine;
            this.description = description;
        }

        /** This variant's training steps for {@code net}, SGD with learning rate 0 (so the net stays put). */
        Network.Step steps(TwoLayerNet net) {
            Optimizer standStill = new ZeroRateSgd();
            if (engine != null) return net.trainingStep(engine, standStill);
            return (x, labels) -> {
                TwoLayerNetOnTape.Result r = TwoLayerNetOnTape.gradient(net.params(), x, labels, TwoLayerNetOnTape.Form.FUSED);
                standStill.step(net.paramsWith(r.grads()));
                return r.loss();
            };
        }
    }

    /**
     * SGD's update at learning rate 0: the same work per entry as a training step's, θ ← θ − 0·∂θ, and the parameters
     * keep their values, so every round of the benchmark sees the same network. ({@code Sgd} takes only positive rates.)
     */
    static final class ZeroRateSgd extends ElementwiseOptimizer {
        @Override
        protected int stateArrays() {
            return 0;
        }

        @Override
        protected void update(double[] w, double[] g, int n, double[][] state) {
            for (int i = 0; i < n; i++) w[i] -= 0.0 * g[i];
        }

        @Override
        public String toString() {
            return "SGD(lr=0)";
        }
    }

    /**
     * The products' speed against the machine's: the measured FMA peak, and the dense FLOPs (2·m·n·k, even where the
     * sparse-row kernel skips zeros) per second of the training step's two large products, of one accuracy block's,
     * and of the whole accuracy pass.
     */
    private static void gflops(PrintWriter out, TwoLayerNet net, Batches batches, int evalRows, double evalSeconds) {
        double perCore = Gemm.peakGflopsPerCore();
        double peak = perCore * io.github.tapegrad.engine.tensor.Parallel.threads();
        out.printf(Locale.ROOT, "RESULT fma_peak_gflops=%.1f  (%.1f per core x %d threads, float64, widest vectors)%n", peak, perCore,
                io.github.tapegrad.engine.tensor.Parallel.threads());
        batches.next();
        DMatrixRMaj x = batches.x;
        DMatrixRMaj w1 = net.params().W1();
        DMatrixRMaj dout = new DMatrixRMaj(x.numRows, w1.numCols);
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < dout.data.length; i++) dout.data[i] = r.nextGaussian();
        DMatrixRMaj block = new DMatrixRMaj(1, 1);
        batches.data.range(0, 500, block);
        DMatrixRMaj out1 = new DMatrixRMaj(1, 1);
        report(out, "x.W1", "(100x784)(784x50), the step's first product", peak, () -> Gemm.mult(x, false, w1, false, out1),
                2.0 * x.numRows * x.numCols * w1.numCols);
        report(out, "xT.dout", "(784x100)(100x50), the step's dW1", peak, () -> Gemm.mult(x, true, dout, false, out1),
                2.0 * x.numRows * x.numCols * w1.numCols);
        report(out, "block.W1", "(500x784)(784x50), one accuracy block's first product", peak,
                () -> Gemm.mult(block, false, w1, false, out1), 2.0 * 500 * block.numCols * w1.numCols);
        double passFlops = 2.0 * evalRows * ((double) w1.numRows * w1.numCols + (double) w1.numCols * net.params().W2().numCols);
        out.printf(Locale.ROOT, "RESULT gflops_accuracy_pass=%.1f  (%.0f%% of peak; dense FLOPs of both layers over %d rows)%n",
                passFlops / evalSeconds / 1e9, 100 * passFlops / evalSeconds / 1e9 / peak, evalRows);
    }

    private static void report(PrintWriter out, String name, String what, double peak, Runnable product, double flops) {
        for (int i = 0; i < 200; i++) product.run();
        double[] t = new double[9];
        for (int round = 0; round < t.length; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 100; i++) product.run();
            t[round] = (System.nanoTime() - t0) / 1e9 / 100;
        }
        double g = flops / median(t) / 1e9;
        out.printf(Locale.ROOT, "RESULT gflops_%s=%.1f  (%.0f%% of peak; %s, median of 9 rounds of 100)%n", name, g, 100 * g / peak, what);
    }

    /** Milliseconds per step over {@code n} steps, each on a new batch. */
    static double time(Network.Step step, Batches b, int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            b.next();
            step.run(b.x, b.labels);
        }
        return (System.nanoTime() - t0) / 1e6 / n;
    }

    /** Random batches drawn as in training, into reused buffers. */
    static final class Batches {
        final MnistData data;
        final Random rng;
        final int[] rows;
        final int[] labels;
        final DMatrixRMaj x;

        Batches(MnistData data, int size, long seed) {
            this.data = data;
            this.rng = new Random(seed);
            this.rows = new int[size];
            this.labels = new int[size];
            this.x = new DMatrixRMaj(size, data.features());
        }

        void next() {
            for (int k = 0; k < rows.length; k++) rows[k] = rng.nextInt(data.size());
            data.gather(rows, x, labels);
        }
    }

    /**
     * Bytes allocated while {@code work} runs (HotSpot's per-thread counters): by this thread, and by all other live
     * threads (the product workers, but also the JVM's own service threads).
     */
    static long[] allocatedBytes(Runnable work) {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        long[] ids = bean.getAllThreadIds();
        long[] before = bean.getThreadAllocatedBytes(ids);
        long selfBefore = bean.getThreadAllocatedBytes(self);
        work.run();
        long selfAfter = bean.getThreadAllocatedBytes(self);
        long[] after = bean.getThreadAllocatedBytes(ids);
        long others = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != self && before[i] >= 0 && after[i] >= 0) others += after[i] - before[i];
        }
        return new long[] {selfAfter - selfBefore, others};
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
