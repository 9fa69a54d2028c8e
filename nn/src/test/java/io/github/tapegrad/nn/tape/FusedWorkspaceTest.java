package io.github.tapegrad.nn.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.github.tapegrad.engine.testing.TensorGens.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.tapegrad.engine.autodiff.Gradients;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Tensor;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * {@link FusedWorkspace}: ops that keep their layers from one recording to the next compute exactly what fresh
 * ops compute, step after step, reuse the layers' buffers, and refuse a gradient pass once their layer has been taken.
 */
class FusedWorkspaceTest {

    /** affine → relu → affine → softmaxWithLoss, as the book's network, with or without a workspace. */
    private static Var network(Tape tape, Var x, Var w1, Var b1, Var w2, Var b2, int[] labels, FusedWorkspace ws) {
        Var hidden = FusedLayers.relu(FusedLayers.affine(x, w1, b1, ws), ws);
        return FusedLayers.softmaxWithLoss(FusedLayers.affine(hidden, w2, b2, ws), labels);
    }

    /**
     * Several steps on one workspace, each on a new batch and sometimes new weights (a new W tensor must not reuse a
     * layer made for the old one): the loss and every gradient equal those of fresh ops bit for bit.
     */
    @Test
    void stepAfterStepTheWorkspaceGivesTheFreshOpsBits() {
        // 60 examples of 4 steps each, shapes up to 12×30·30×9·9×5
        qt(60).forAll(longs().all(), integers().between(1, 12), integers().between(1, 30), integers().between(1, 9))
                .checkAssert((seed, n, d, h) -> {
                    Random r = new Random(seed);
                    int c = 2 + r.nextInt(4);
                    FusedWorkspace ws = new FusedWorkspace();
                    Tensor w1v = Tensor.uniform(r.nextLong(), -1, 1, d, h);
                    for (int step = 0; step < 4; step++) {
                        if (r.nextInt(3) == 0) w1v = Tensor.uniform(r.nextLong(), -1, 1, d, h);
                        Tensor xv = Tensor.uniform(r.nextLong(), -1, 1, n, d);
                        Tensor b1v = Tensor.uniform(r.nextLong(), -1, 1, 1, h);
                        Tensor w2v = Tensor.uniform(r.nextLong(), -1, 1, h, c);
                        Tensor b2v = Tensor.uniform(r.nextLong(), -1, 1, c);
                        int[] labels = r.ints(n, 0, c).toArray();
                        Gradients[] g = new Gradients[2];
                        double[] loss = new double[2];
                        Var[][] params = new Var[2][];
                        for (int k = 0; k < 2; k++) {
                            Tape tape = new Tape();
                            Var x = tape.variable("x", xv);
                            params[k] = new Var[] {x, tape.variable("W1", w1v), tape.variable("b1", b1v), tape.variable("W2", w2v),
                                    tape.variable("b2", b2v)};
                            if (k == 1) ws.rewind();
                            Var out = network(tape, x, params[k][1], params[k][2], params[k][3], params[k][4], labels, k == 0 ? null : ws);
                            loss[k] = out.value().item();
                            g[k] = tape.gradients(out, params[k]);
                        }
                        assertEquals(loss[0], loss[1], 0.0, "loss at step " + step);
                        for (int i = 0; i < 5; i++) {
                            double[] fresh = g[0].get(params[0][i]).matrixView().data;
                            double[] reused = g[1].get(params[1][i]).matrixView().data;
                            for (int k = 0; k < params[0][i].value().size(); k++) {
                                int at = k;
                                int stepAt = step;
                                String name = params[0][i].toString();
                                assertTrue(Double.compare(fresh[k], reused[k]) == 0, () -> name + " at step " + stepAt + ", flat index "
                                        + at + ": workspace " + reused[at] + " but fresh ops " + fresh[at]);
                            }
                        }
                    }
                });
    }

    @Test
    void theNextRecordingWritesIntoTheSameBuffers() {
        FusedWorkspace ws = new FusedWorkspace();
        Tensor w = Tensor.uniform(1, -1, 1, 4, 3);
        Tensor b = Tensor.uniform(2, -1, 1, 3);
        DMatrixRMaj[] outputs = new DMatrixRMaj[2];
        for (int step = 0; step < 2; step++) {
            ws.rewind();
            Tape tape = new Tape();
            Var x = tape.constant(Tensor.uniform(3 + step, -1, 1, 5, 4));
            outputs[step] = FusedLayers.relu(FusedLayers.affine(x, tape.variable("W", w), tape.variable("b", b), ws), ws).value().matrixView();
        }
        assertSame(outputs[0], outputs[1], "the second step's relu output is the first step's buffer");
    }

    @Test
    void aGradientPassAfterTheLayersWereTakenOverFailsClearly() {
        FusedWorkspace ws = new FusedWorkspace();
        Tape first = new Tape();
        Var w = first.variable("W", Tensor.uniform(1, -1, 1, 4, 3));
        Var b = first.variable("b", Tensor.uniform(2, -1, 1, 3));
        Var loss = FusedLayers.relu(FusedLayers.affine(first.constant(Tensor.uniform(3, -1, 1, 5, 4)), w, b, ws), ws).sum();
        ws.rewind();
        Tape second = new Tape();
        FusedLayers.relu(FusedLayers.affine(second.constant(Tensor.uniform(4, -1, 1, 5, 4)), second.variable("W", w.value()),
                second.variable("b", b.value()), ws), ws);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> first.gradients(loss, w, b));
        assertTrue(e.getMessage().contains("workspace was rewound") && e.getMessage().contains("Relu"), e.getMessage());
    }

    /**
     * An Affine op reuses its layer (and output buffer) for the same W and b objects only, and its own gradient rule
     * notices when its layer was taken over; without a workspace it takes a fresh layer.
     */
    @Test
    void anAffineLayerIsKeptForItsOwnParametersAndGuardsItsGradient() {
        FusedWorkspace ws = new FusedWorkspace();
        Tensor w = Tensor.uniform(1, -1, 1, 4, 3);
        Tensor b = Tensor.uniform(2, -1, 1, 3);
        Tape first = new Tape();
        Var w1 = first.variable("W", w);
        Var b1 = first.variable("b", b);
        Var out1 = FusedLayers.affine(first.constant(Tensor.uniform(3, -1, 1, 5, 4)), w1, b1, ws);
        Var loss = out1.sum();
        DMatrixRMaj firstBuffer = out1.value().matrixView();
        // NOTE: copied now: the workspace's next recording overwrites the buffer out1 wraps
        double[] firstValues = out1.value().toArray();
        ws.rewind();
        Tape second = new Tape();
        Var out2 = FusedLayers.affine(second.constant(Tensor.uniform(4, -1, 1, 5, 4)), second.variable("W", w),
                second.variable("b", b), ws);
        assertSame(firstBuffer, out2.value().matrixView(), "the same W and b: the same layer and buffer");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> first.gradients(loss, w1, b1));
        assertTrue(e.getMessage().startsWith("Affine: its workspace was rewound"), e.getMessage());

        ws.rewind();
        Tape third = new Tape();
        Var out3 = FusedLayers.affine(third.constant(Tensor.uniform(4, -1, 1, 5, 4)), third.variable("W", w.mul(1.0)),
                third.variable("b", b), ws);
        assertTrue(out3.value().matrixView() != firstBuffer, "another W object: a new layer");

        Tape plain = new Tape();
        Var x = plain.constant(Tensor.uniform(3, -1, 1, 5, 4));
        Var viaNull = FusedLayers.affine(x, plain.variable("W", w), plain.variable("b", b), null);
        org.junit.jupiter.api.Assertions.assertArrayEquals(firstValues, viaNull.value().toArray(), 0.0,
                "no workspace: a fresh layer, the same values");
    }
}
