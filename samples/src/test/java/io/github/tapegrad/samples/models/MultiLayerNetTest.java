package io.github.tapegrad.samples.models;

import io.github.tapegrad.samples.io.ModelFiles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.check.GradCheck;
import io.github.tapegrad.engine.check.InputReport;
import io.github.tapegrad.engine.check.Report;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.nn.Dropout;
import io.github.tapegrad.nn.optim.Adam;
import io.github.tapegrad.nn.optim.Param;
import io.github.tapegrad.nn.optim.Sgd;
import io.github.tapegrad.samples.data.MnistSource;
import io.github.tapegrad.samples.training.Trainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class MultiLayerNetTest {

    /** Hand-written backprop vs the tape (1e-10·max(1, |g|)) vs central differences of the tape's loss (1e-5 + 1e-3·|n|). */
    @Test
    void agreesThreeWaysWithBatchNormDropoutAndWeightDecay() {
        for (NetConfig.Activation act : NetConfig.Activation.values()) {
            NetConfig c = new NetConfig(6, new int[] {5, 4}, 3, act, new WeightInit.He(), true, 0.3, 0.05);
            Random rng = new Random(11);
            MultiLayerNet net = new MultiLayerNet(c, rng);
            DMatrixRMaj x = new DMatrixRMaj(4, 6);
            for (int i = 0; i < x.data.length; i++) x.data[i] = rng.nextDouble();
            int[] t = {0, 2, 1, 2};
            double loss = net.gradient(x, t);
            List<Tensor> masks = new ArrayList<>();
            for (Dropout d : net.dropouts()) {
                boolean[] keep = d.lastMask();
                double[] m = new double[keep.length];
                for (int i = 0; i < m.length; i++) m[i] = keep[i] ? 1 : 0;
                masks.add(Tensor.of(m, 4, keep.length / 4));
            }
            MultiLayerNetOnTape.Result tape = MultiLayerNetOnTape.gradient(net, x, t, masks);
            assertEquals(loss, tape.loss(), 1e-12);
            List<Param> params = net.params();
            Tensor[] point = new Tensor[params.size()];
            for (int k = 0; k < params.size(); k++) {
                Param p = params.get(k);
                point[k] = Tensor.fromMatrix(p.value());
                InputReport r = InputReport.compareAnalytic(act + " " + p.name() + " hand vs tape", Tensor.fromMatrix(p.grad()),
                        tape.grads().get(k), 1e-10);
                assertTrue(r.passed(), r::toString);
            }
            Report numeric = GradCheck.check("MultiLayerNet " + act,
                    v -> MultiLayerNetOnTape.loss(c, List.of(v), x, t, masks), GradCheck.Options.DEFAULT, point);
            assertTrue(numeric.passed(), numeric::toString);
        }
    }

    @Test
    void bookSizedNetworkMatchesTheTwoLayerNetsInitialisation() {
        NetConfig c = new NetConfig(784, new int[] {50}, 10, NetConfig.Activation.RELU, new WeightInit.Fixed(0.01), false, 0, 0);
        MultiLayerNet net = new MultiLayerNet(c, new Random(0));
        io.github.tapegrad.samples.models.Parameters p =
                io.github.tapegrad.samples.models.Parameters.initial(784, 50, 10, 0.01, new Random(0));
        assertArrayEquals(p.W1().data, net.params().get(0).value().data, 0.0);
        assertArrayEquals(p.W2().data, net.params().get(2).value().data, 0.0);
    }

    @Test
    void weightInitScalesWithFanIn() {
        assertEquals(Math.sqrt(2.0 / 784), new WeightInit.He().std(784), 1e-15);
        assertEquals(Math.sqrt(1.0 / 100), new WeightInit.Xavier().std(100), 1e-15);
        assertEquals(0.01, WeightInit.parse("0.01").std(5), 0.0);
        assertTrue(WeightInit.parse("HE") instanceof WeightInit.He);
        assertThrows(IllegalArgumentException.class, () -> WeightInit.parse("gauss"));
        MultiLayerNet net = new MultiLayerNet(new NetConfig(400, new int[] {300}, 10, NetConfig.Activation.RELU,
                new WeightInit.He(), false, 0, 0), new Random(2));
        double[] w = net.params().get(0).value().data;
        double s = 0;
        for (double v : w) s += v * v;
        assertEquals(Math.sqrt(2.0 / 400), Math.sqrt(s / w.length), 0.002, "sample std of He-initialised weights");
    }

    @Test
    void saveAndLoadRestoreParametersAndRunningStatistics() throws IOException {
        NetConfig c = new NetConfig(8, new int[] {6, 5}, 3, NetConfig.Activation.SIGMOID, new WeightInit.Xavier(), true, 0.2, 1e-3);
        MultiLayerNet net = new MultiLayerNet(c, new Random(4));
        DMatrixRMaj x = new DMatrixRMaj(5, 8);
        new Random(5).doubles(40).forEach(new java.util.function.DoubleConsumer() {
            int i;
            public void accept(double v) {
                x.data[i++] = v;
            }
        });
        net.gradient(x, new int[] {0, 1, 2, 0, 1});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelFiles.write(net, out);
        MultiLayerNet back = ModelFiles.readMultiLayerNet("mem", new ByteArrayInputStream(out.toByteArray()));
        assertEquals(c.toString(), back.config().toString());
        for (int k = 0; k < net.params().size(); k++) {
            assertArrayEquals(net.params().get(k).value().data, back.params().get(k).value().data, 0.0);
        }
        assertArrayEquals(net.batchNorms().get(0).runningVar().data, back.batchNorms().get(0).runningVar().data, 0.0);
        assertArrayEquals(net.predict(x).data, back.predict(x).data, 0.0);
        byte[] bytes = out.toByteArray();
        IOException e = assertThrows(IOException.class,
                () -> ModelFiles.readMultiLayerNet("cut", new ByteArrayInputStream(java.util.Arrays.copyOf(bytes, bytes.length - 9))));
        assertTrue(e.getMessage().contains("cut"), e.getMessage());
    }

    /** An optimizer updates from the tape's gradients exactly as from the hand-written ones. */
    @Test
    void optimizersTakeGradientsFromEitherPath() {
        NetConfig c = new NetConfig(6, new int[] {5}, 3, NetConfig.Activation.RELU, new WeightInit.He(), true, 0, 0.01);
        MultiLayerNet hand = new MultiLayerNet(c, new Random(8));
        MultiLayerNet viaTape = new MultiLayerNet(c, new Random(8));
        DMatrixRMaj x = new DMatrixRMaj(4, 6);
        new Random(9).doubles(24).forEach(new java.util.function.DoubleConsumer() {
            int i;
            public void accept(double v) {
                x.data[i++] = v;
            }
        });
        int[] t = {2, 0, 1, 1};
        Adam a = new Adam();
        Adam b = new Adam();
        for (int step = 0; step < 3; step++) {
            hand.gradient(x, t);
            a.step(hand.params());
            MultiLayerNetOnTape.Result r = MultiLayerNetOnTape.gradient(viaTape, x, t, List.of());
            List<Param> fromTape = new ArrayList<>();
            for (int k = 0; k < viaTape.params().size(); k++) {
                Param p = viaTape.params().get(k);
                fromTape.add(new Param(p.name(), p.value(), r.grads().get(k).toMatrix()));
            }
            b.step(fromTape);
        }
        for (int k = 0; k < hand.params().size(); k++) {
            InputReport rep = InputReport.compareAnalytic(hand.params().get(k).name(), Tensor.fromMatrix(hand.params().get(k).value()),
                    Tensor.fromMatrix(viaTape.params().get(k).value()), 1e-10);
            assertTrue(rep.passed(), rep::toString);
        }
    }

    /** A short seeded run on the bundled subset: Adam with BatchNorm ends with a lower loss than plain SGD. */
    @Test
    void adamWithBatchNormBeatsPlainSgd() throws IOException {
        MnistSource.Loaded data = MnistSource.bundled();
        double[] finalLoss = new double[2];
        for (int run = 0; run < 2; run++) {
            boolean adam = run == 1;
            NetConfig c = new NetConfig(784, new int[] {100, 100}, 10, NetConfig.Activation.RELU, new WeightInit.Fixed(0.01), adam, 0, 0);
            Random rng = new Random(0);
            MultiLayerNet net = new MultiLayerNet(c, rng);
            var opt = adam ? new Adam() : new Sgd(0.01);
            Trainer.Result r = Trainer.loop(300, 100, rng, data.train(), data.test(), new Trainer.Listener() {},
                    net.trainingStep(opt), net::accuracy);
            double mean = 0;
            for (int i = 250; i < 300; i++) mean += r.losses()[i] / 50;
            finalLoss[run] = mean;
        }
        assertTrue(finalLoss[1] < finalLoss[0], "Adam+BatchNorm " + finalLoss[1] + " vs SGD " + finalLoss[0]);
    }
}
