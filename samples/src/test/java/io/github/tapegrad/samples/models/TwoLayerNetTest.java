package io.github.tapegrad.samples.models;

import io.github.tapegrad.samples.io.ModelFiles;
import io.github.tapegrad.samples.training.Trainer;
import io.github.tapegrad.samples.training.TrainConfig;
import io.github.tapegrad.engine.tensor.Tolerance;
import io.github.tapegrad.nn.optim.Sgd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.check.InputReport;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.samples.data.MnistData;
import io.github.tapegrad.samples.data.MnistSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class TwoLayerNetTest {

    private static Tensor t(DMatrixRMaj m) {
        return Tensor.fromMatrix(m);
    }

    /**
     * Hand-written vs tape (composite and fused) vs central differences, on a small net away from Relu kinks; the fused
     * tape writing into the caller's buffers gives exactly what it returns as fresh tensors.
     */
    @Test
    void wholeNetworkAgreesThreeWays() {
        Random rng = new Random(3);
        TwoLayerNet net = new TwoLayerNet(6, 5, 4, 0.5, rng);
        for (int k = 0; k < 5; k++) net.params().b1().data[k] = 0.3 * rng.nextGaussian();
        DMatrixRMaj x = new DMatrixRMaj(3, 6);
        for (int i = 0; i < x.data.length; i++) x.data[i] = rng.nextDouble();
        int[] labels = {0, 3, 1};
        net.gradient(x, labels);
        TwoLayerNet.Grads hand = net.grads();
        Parameters handCopy = new Parameters(hand.dW1().copy(), hand.db1().copy(), hand.dW2().copy(), hand.db2().copy());
        Parameters composite = TwoLayerNetOnTape.gradient(net.params(), x, labels, TwoLayerNetOnTape.Form.COMPOSITE).grads();
        Parameters fused = TwoLayerNetOnTape.gradient(net.params(), x, labels, TwoLayerNetOnTape.Form.FUSED).grads();
        Parameters numerical = net.numericalGradient(x, labels);
        // each form on a tape kept from step to step: the later steps reuse the memory of the first
        Tape[] tapes = {new Tape(), new Tape()};
        for (int run = 0; run < 6; run++) {
            TwoLayerNetOnTape.Form form = run % 2 == 0 ? TwoLayerNetOnTape.Form.COMPOSITE : TwoLayerNetOnTape.Form.FUSED;
            Parameters fresh = form == TwoLayerNetOnTape.Form.FUSED ? fused : composite;
            Parameters into = new Parameters(new DMatrixRMaj(6, 5), new DMatrixRMaj(1, 5), new DMatrixRMaj(5, 4), new DMatrixRMaj(1, 4));
            double loss = TwoLayerNetOnTape.gradientInto(tapes[run % 2], net.params(), x, labels, form, into);
            assertEquals(net.loss(x, labels), loss, form == TwoLayerNetOnTape.Form.FUSED ? 0.0 : 1e-12,
                    form + ": the tape's loss is the network's");
            for (int k = 0; k < 4; k++) {
                // the same rules write into the caller's buffers: equal bit for bit
                assertArrayEquals(fresh.get(k).data, Arrays.copyOf(into.get(k).data, fresh.get(k).getNumElements()), 0.0,
                        form + " (run " + run + ") " + Parameters.names().get(k) + ": gradientInto against gradient");
            }
        }
        for (int k = 0; k < 4; k++) {
            String name = Parameters.names().get(k);
            // 1e-12·max(1, |g|): both sides run the same EJML products and differ only in summation order
            InputReport ab = InputReport.compareAnalytic(name + " hand vs tape", t(handCopy.get(k)), t(composite.get(k)), 1e-12);
            InputReport af = InputReport.compareAnalytic(name + " fused vs hand", t(fused.get(k)), t(handCopy.get(k)), 1e-12);
            InputReport an = InputReport.compare(name + " hand vs numerical", t(handCopy.get(k)), t(numerical.get(k)), new Tolerance(1e-7, 1e-6));
            assertTrue(ab.passed(), ab::toString);
            assertTrue(af.passed(), af::toString);
            assertTrue(an.passed(), an::toString);
        }
    }

    @Test
    void initialLossIsLnTenAndTwentySamplesCanBeOverfit() throws IOException {
        MnistData train = MnistSource.bundled().train();
        TwoLayerNet net = new TwoLayerNet(784, 50, 10, 0.01, new Random(0));
        DMatrixRMaj x = new DMatrixRMaj(1, 1);
        train.range(0, 20, x);
        int[] labels = train.labels(0, 20);
        assertEquals(Math.log(10), net.loss(x, labels), 0.1, "std-0.01 weights give near-uniform softmax");
        double loss = 0;
        Sgd sgd = new Sgd(0.5);
        for (int i = 0; i < 500; i++) {
            loss = net.gradient(x, labels);
            net.update(sgd);
        }
        assertTrue(loss < 0.01, "20 samples overfit to loss < 0.01, got " + loss);
        assertEquals(1.0, net.accuracy(x, labels));
    }

    @Test
    void sameSeedGivesBitwiseIdenticalWeights() throws IOException {
        MnistSource.Loaded data = MnistSource.bundled();
        TrainConfig config = new TrainConfig(120, 50, 0.1, 20, 0.01, 42L, GradientEngine.HAND);
        Trainer.Trained a = Trainer.train(config, data.train(), data.test(), new Trainer.Listener() {});
        Trainer.Trained b = Trainer.train(config, data.train(), data.test(), new Trainer.Listener() {});
        for (int k = 0; k < 4; k++) assertArrayEquals(a.net().params().get(k).data, b.net().params().get(k).data, 0.0);
        assertArrayEquals(a.result().losses(), b.result().losses(), 0.0);
        assertEquals(a.result().finalTestAccuracy(), b.result().finalTestAccuracy());
        Trainer.Trained c = Trainer.train(new TrainConfig(120, 50, 0.1, 20, 0.01, 43L, GradientEngine.HAND),
                data.train(), data.test(), new Trainer.Listener() {});
        assertTrue(!Arrays.equals(a.net().params().W1().data, c.net().params().W1().data), "another seed, other weights");
    }

    @Test
    void accuracyOverADataSetFollowsTheParametersFromPassToPass() throws IOException {
        // the split pass keeps each thread's layers between passes: they must see every update of the parameters
        MnistData test = MnistSource.bundled().test();
        TwoLayerNet net = new TwoLayerNet(784, 50, 10, 0.01, new Random(3));
        DMatrixRMaj x = new DMatrixRMaj(1, 1);
        test.range(0, test.size(), x);
        int[] labels = test.labels(0, test.size());
        Sgd sgd = new Sgd(0.5);
        for (int step = 0; step < 4; step++) {
            assertEquals(net.accuracy(x, labels), net.accuracy(test), 0.0, "pass " + step);
            DMatrixRMaj batch = new DMatrixRMaj(1, 1);
            test.range(step * 100, step * 100 + 100, batch);
            net.gradient(batch, test.labels(step * 100, step * 100 + 100));
            net.update(sgd);
        }
    }

    @Test
    void tapeEnginesTrainTheSameNetwork() throws IOException {
        MnistSource.Loaded data = MnistSource.bundled();
        Trainer.Trained hand = Trainer.train(new TrainConfig(30, 20, 0.1, 10, 0.01, 7L, GradientEngine.HAND),
                data.train(), data.test(), new Trainer.Listener() {});
        for (GradientEngine e : new GradientEngine[] {GradientEngine.TAPE_FUSED, GradientEngine.TAPE_COMPOSITE}) {
            Trainer.Trained other = Trainer.train(new TrainConfig(30, 20, 0.1, 10, 0.01, 7L, e), data.train(), data.test(),
                    new Trainer.Listener() {});
            for (int k = 0; k < 4; k++) {
                InputReport r = InputReport.compareAnalytic(e + " " + Parameters.names().get(k), t(other.net().params().get(k)),
                        t(hand.net().params().get(k)), 1e-12);
                assertTrue(r.passed(), r::toString);
            }
        }
    }

    @Test
    void parametersRoundTripAndBadFilesAreRejected() throws IOException {
        Parameters p = Parameters.initial(7, 3, 10, 0.1, new Random(1));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelFiles.write(p, out);
        Parameters q = ModelFiles.readTwoLayerNet("mem", new ByteArrayInputStream(out.toByteArray()));
        for (int k = 0; k < 4; k++) assertArrayEquals(p.get(k).data, q.get(k).data, 0.0);
        byte[] bytes = out.toByteArray();
        IOException e = assertThrows(IOException.class,
                () -> ModelFiles.readTwoLayerNet("cut.bin", new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length - 3))));
        assertTrue(e.getMessage().contains("cut.bin") && e.getMessage().contains("truncated"), e.getMessage());
        e = assertThrows(IOException.class, () -> ModelFiles.readTwoLayerNet("x.txt", new ByteArrayInputStream("hello world".getBytes())));
        assertTrue(e.getMessage().contains("not a tapegrad parameter file"), e.getMessage());
    }

    @Test
    void networkRejectsDataOfTheWrongWidth() {
        TwoLayerNet net = new TwoLayerNet(784, 50, 10, 0.01, new Random(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.loss(new DMatrixRMaj(100, 50), new int[100]));
        assertTrue(e.getMessage().contains("Affine1") && e.getMessage().contains("(100x50)"), e.getMessage());
    }

    /**
     * The hand-written training step allocates nothing once warmed up (HotSpot's per-thread counter, 500 steps). NOTE:
     * the shapes keep every product below the vector kernel's threshold, whose operations allocate until compiled.
     */
    @Test
    void theHandWrittenStepAllocatesNothing() {
        Random rng = new Random(4);
        TwoLayerNet net = new TwoLayerNet(20, 10, 5, 0.1, rng);
        DMatrixRMaj x = new DMatrixRMaj(8, 20);
        for (int i = 0; i < x.data.length; i++) x.data[i] = rng.nextDouble();
        int[] labels = {0, 1, 2, 3, 4, 0, 1, 2};
        Network.Step step = net.trainingStep(new io.github.tapegrad.nn.optim.Sgd(0.01));
        for (int i = 0; i < 3000; i++) step.run(x, labels);
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long a0 = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 500; i++) step.run(x, labels);
            best = Math.min(best, bean.getCurrentThreadAllocatedBytes() - a0);
        }
        assertEquals(0, best, "bytes allocated by 500 hand-written steps");
    }
}
