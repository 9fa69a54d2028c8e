package io.github.tapegrad.samples.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.nn.optim.Adam;
import io.github.tapegrad.nn.optim.Param;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** The SimpleConvNet: its three forms agree, and a hand-written training step allocates nothing after warm-up. */
class SimpleConvNetTest {
    /** Hand-written against tape: the same formulas summed in other orders (gradients below 1 here). */
    private static final double TAPE_BOUND = 1e-10;

    private static DMatrixRMaj images(Random rng, int n, int pixels) {
        DMatrixRMaj x = new DMatrixRMaj(n, pixels);
        // like MNIST: mostly zeros, the rest in (0, 1]
        for (int i = 0; i < x.data.length; i++) x.data[i] = rng.nextInt(5) == 0 ? rng.nextDouble() : 0.0;
        return x;
    }

    @Test
    void theHandWrittenGradientsAreTheTapes() {
        Random rng = new Random(11);
        SimpleConvNet net = new SimpleConvNet(new SimpleConvNet.Config(1, 12, 12, 6, 3, 8, 5), 0.3, rng);
        DMatrixRMaj x = images(rng, 7, 144);
        int[] t = {0, 1, 2, 3, 4, 0, 1};
        double loss = net.gradient(x, t);
        assertEquals(loss, net.loss(x, t), 0.0, "loss() is gradient()'s forward");
        List<Param> params = net.trainableParams();
        for (TwoLayerNetOnTape.Form form : TwoLayerNetOnTape.Form.values()) {
            List<DMatrixRMaj> tape = SimpleConvNetOnTape.gradient(net, x, t, form);
            for (int k = 0; k < params.size(); k++) {
                DMatrixRMaj hand = params.get(k).grad();
                int worst = 0;
                double diff = 0;
                for (int i = 0; i < hand.getNumElements(); i++) {
                    double d = Math.abs(hand.data[i] - tape.get(k).data[i]);
                    if (!(d <= diff)) {
                        diff = d;
                        worst = i;
                    }
                }
                assertTrue(diff <= TAPE_BOUND, form + " tape, " + params.get(k).name() + " (" + hand.numRows + "x" + hand.numCols
                        + "), worst index " + worst + ": hand " + hand.data[worst] + ", tape " + tape.get(k).data[worst]);
            }
        }
    }

    /** The fused tape step, kept from step to step and rewound, gives what a fresh tape gives. */
    @Test
    void aRewoundTapeGivesWhatAFreshOneGives() {
        Random rng = new Random(12);
        SimpleConvNet net = new SimpleConvNet(new SimpleConvNet.Config(1, 10, 10, 4, 3, 6, 3), 0.3, rng);
        List<DMatrixRMaj> grads = net.trainableParams().stream().map(p -> new DMatrixRMaj(1, 1)).toList();
        try (Tape tape = new Tape()) {
            for (int step = 0; step < 3; step++) {
                DMatrixRMaj x = images(rng, 4, 100);
                int[] t = {0, 1, 2, step % 3};
                SimpleConvNetOnTape.gradientInto(tape, net, x, t, TwoLayerNetOnTape.Form.FUSED, grads);
                List<DMatrixRMaj> fresh = SimpleConvNetOnTape.gradient(net, x, t, TwoLayerNetOnTape.Form.FUSED);
                for (int k = 0; k < grads.size(); k++) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(fresh.get(k).data, java.util.Arrays.copyOf(grads.get(k).data,
                            fresh.get(k).getNumElements()), 0.0, "step " + step + ", " + net.trainableParams().get(k).name());
                }
            }
        }
    }

    /**
     * After warm-up, 200 hand-written steps (forward, backward, Adam) allocate nothing on the training thread nor on the
     * engine's workers, over which the images are split.
     */
    @Test
    void theHandWrittenStepAllocatesNothing() {
        Random rng = new Random(13);
        SimpleConvNet net = new SimpleConvNet(new SimpleConvNet.Config(1, 14, 14, 8, 5, 16, 10), 0.1, rng);
        DMatrixRMaj x = images(rng, 12, 196);
        int[] t = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1};
        Network.Step step = net.trainingStep(new Adam());
        for (int i = 0; i < 3000; i++) step.run(x, t);
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            // the training thread and the engine's workers: other threads of the test JVM (surefire's, the JVM's own)
            // allocate now and then whatever the step does
            long[] ids = Thread.getAllStackTraces().keySet().stream()
                    .filter(th -> th == Thread.currentThread() || th.getName().startsWith("tapegrad-"))
                    .mapToLong(Thread::getId).toArray();
            long a0 = allocated(bean, ids);
            for (int i = 0; i < 200; i++) step.run(x, t);
            best = Math.min(best, allocated(bean, ids) - a0);
        }
        assertEquals(0, best, "bytes allocated by 200 hand-written steps, the training thread and the workers");
    }

    /** The threads' allocated bytes, one thread at a time: the array form would allocate its answer while counting. */
    private static long allocated(com.sun.management.ThreadMXBean bean, long[] ids) {
        long s = 0;
        for (long id : ids) s += Math.max(0, bean.getThreadAllocatedBytes(id));
        return s;
    }
}
