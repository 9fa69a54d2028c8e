package io.github.tapegrad.samples.cli;

import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.nn.optim.Optimizer;
import io.github.tapegrad.nn.optim.Param;
import io.github.tapegrad.samples.data.MnistData;
import io.github.tapegrad.samples.models.Network;
import io.github.tapegrad.samples.models.SimpleConvNet;
import io.github.tapegrad.samples.models.SimpleConvNetOnTape;
import io.github.tapegrad.samples.models.TwoLayerNetOnTape;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * {@code bench --model convnet}: the book's SimpleConvNet step (batch 100, 28×28 images) by the hand-written layers,
 * on a tape with fused ops and on a tape with composites, measured alternately in rounds (ratios taken within each
 * round, medians reported), and the allocation per hand-written step on every thread.
 */
final class ConvNetBench {
    private ConvNetBench() {}

    private enum Variant {
        HAND("the hand-written layers (conv-relu-pool fused image by image), buffers reused"),
        TAPE_FUSED("fused ops on a tape rewound each step: ConvReluPool, Affine, Relu, SoftmaxWithLoss"),
        TAPE_COMPOSITE("composites of primitives on a tape rewound each step: unfold, matmul, fold, reshape, max, ...");

        final String description;

        Variant(String description) {
            this.description = description;
        }
    }

    static void run(PrintWriter out, MnistData train, int steps, int rounds, Optimizer standStill) {
        if (train.side() != 28) throw new IllegalArgumentException("bench --model convnet needs 28x28 images; the data's are not");
        SimpleConvNet net = new SimpleConvNet(new SimpleConvNet.Config(1, 28, 28, 30, 5, 100, 10), 0.01, new Random(0));
        List<Param> params = net.trainableParams();
        Tape tape = new Tape();
        List<DMatrixRMaj> grads = params.stream().map(Param::grad).toList();
        Network.Step hand = net.trainingStep(standStill);
        Network.Step[] stepOf = new Network.Step[Variant.values().length];
        stepOf[0] = hand;
        for (TwoLayerNetOnTape.Form form : TwoLayerNetOnTape.Form.values()) {
            stepOf[form == TwoLayerNetOnTape.Form.FUSED ? 1 : 2] = (x, labels) -> {
                // the gradients land in the network's own buffers, where the optimizer reads them
                double loss = SimpleConvNetOnTape.gradientInto(tape, net, x, labels, form, grads);
                standStill.step(params);
                return loss;
            };
        }
        BenchCommand.Batches batches = new BenchCommand.Batches(train, 100, 1);
        BenchCommand.time(hand, batches, 300);
        long[] allocated = BenchCommand.allocatedBytes(() -> BenchCommand.time(hand, batches, steps));
        for (Network.Step s : stepOf) BenchCommand.time(s, batches, Math.max(steps, 50));
        double[][] ms = new double[stepOf.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int v = 0; v < stepOf.length; v++) ms[v][r] = BenchCommand.time(stepOf[v], batches, steps);
        }
        out.printf(Locale.ROOT, "RESULT convnet_alloc_bytes_per_step_hand=%.1f  (the training thread, %d steps after 300 warm-up steps;"
                + " other threads: %.1f bytes/step)%n", (double) allocated[0] / steps, steps, (double) allocated[1] / steps);
        for (int v = 0; v < stepOf.length; v++) {
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) ratios[r] = ms[v][r] / ms[0][r];
            out.printf(Locale.ROOT, "RESULT convnet_step_ms_%s=%.3f  (median of %d rounds of %d steps; ratio to hand %.3f, the median of"
                    + " the per-round ratios; %s)%n", Variant.values()[v].name().toLowerCase(Locale.ROOT), BenchCommand.median(ms[v]),
                    rounds, steps, BenchCommand.median(ratios), Variant.values()[v].description);
        }
        tape.close();
    }
}
