package io.github.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.tensor.RawStorage;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.nn.tape.LayerFunctions;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * The chapter-7 layers' two interfaces agree (batches as rows with layer-owned buffers, as a network uses them, and
 * tensors), parameters are shared by reference, and bad shapes are named.
 */
class ConvolutionPoolingTest {

    private static DMatrixRMaj rows(Tensor t) {
        return RawStorage.read(t.reshape(t.dim(0), -1)).copy();
    }

    @Test
    void theRowsInterfaceComputesWhatTheTensorOneDoes() {
        Tensor x = Tensor.uniform(1, -1, 1, 2, 3, 6, 5);
        Tensor w = Tensor.uniform(2, -1, 1, 4, 3, 3, 2);
        Tensor b = Tensor.uniform(3, -1, 1, 4);
        Convolution byTensor = new Convolution("Conv", w, b, 2, 1);
        Tensor out = byTensor.forward(x);
        Tensor dout = Tensor.uniform(4, -1, 1, out.shape());
        Tensor dx = byTensor.backward(dout);

        DMatrixRMaj wm = w.reshape(4, -1).toMatrix();
        DMatrixRMaj bm = b.reshape(1, 4).toMatrix();
        Convolution byRows = new Convolution("Conv", wm, bm, 3, 3, 2, 2, 1);
        assertEquals("Conv", byRows.name());
        assertSame(wm, byRows.W(), "the filters are held by reference");
        assertSame(bm, byRows.b());
        DMatrixRMaj o = byRows.forward(rows(x), 6, 5);
        assertEquals(out.dim(2), byRows.outHeight());
        assertEquals(out.dim(3), byRows.outWidth());
        assertArrayEquals(out.toArray(), Arrays.copyOf(o.data, o.getNumElements()), 0.0, "forward");
        DMatrixRMaj d = byRows.backward(rows(dout));
        assertArrayEquals(dx.toArray(), Arrays.copyOf(d.data, d.getNumElements()), 0.0, "dx");
        assertArrayEquals(byTensor.dW().toArray(), Arrays.copyOf(byRows.dWMatrix().data, 4 * 18), 0.0, "dW");
        assertArrayEquals(byTensor.db().toArray(), Arrays.copyOf(byRows.dbMatrix().data, 4), 0.0, "db");
        Convolution first = new Convolution("Conv", wm, bm, 3, 3, 2, 2, 1);
        first.forward(rows(x), 6, 5);
        first.backwardParameters(rows(dout));
        assertArrayEquals(byRows.dWMatrix().data, first.dWMatrix().data, 0.0, "dW without dx");
        Convolution firstByTensor = new Convolution("Conv", w, b, 2, 1);
        firstByTensor.forward(x);
        firstByTensor.backwardParameters(dout);
        assertEquals(byTensor.dW(), firstByTensor.dW());

        Pooling pool = new Pooling("Pool", 2, 3, 1, 1);
        assertEquals("Pool", pool.name());
        Tensor px = io.github.tapegrad.engine.testing.TensorGens.distinct(5, 0.01, 2, 3, 4, 5);
        Tensor pout = pool.forward(px);
        Tensor pdout = Tensor.uniform(6, -1, 1, pout.shape());
        Tensor pdx = pool.backward(pdout);
        Pooling poolRows = new Pooling("Pool", 2, 3, 1, 1);
        DMatrixRMaj po = poolRows.forward(rows(px), 3, 4, 5);
        assertEquals(pout.dim(2), poolRows.outHeight());
        assertEquals(pout.dim(3), poolRows.outWidth());
        assertArrayEquals(pout.toArray(), Arrays.copyOf(po.data, po.getNumElements()), 0.0, "pool forward");
        DMatrixRMaj pd = poolRows.backward(rows(pdout));
        assertArrayEquals(pdx.toArray(), Arrays.copyOf(pd.data, pd.getNumElements()), 0.0, "pool dx");
    }

    private static void refused(String start, org.junit.jupiter.api.function.Executable call) {
        RuntimeException e = assertThrows(RuntimeException.class, call);
        assertTrue(e.getMessage().startsWith(start), "expected '" + start + "...' but got: " + e.getMessage());
    }

    @Test
    void badShapesAreNamed() {
        Tensor w = Tensor.zeros(4, 3, 3, 2);
        refused("C: W must be (FN, C, FH, FW), got (4x18)", () -> new Convolution("C", Tensor.zeros(4, 18), Tensor.zeros(4), 1, 0));
        refused("C: b must hold one bias per filter (4), got (5)", () -> new Convolution("C", w, Tensor.zeros(5), 1, 0));
        refused("C: stride must be >= 1 and pad >= 0, got 0 and 0", () -> new Convolution("C", w, Tensor.zeros(4), 0, 0));
        refused("C: stride must be >= 1 and pad >= 0, got 1 and -1", () -> new Convolution("C", w, Tensor.zeros(4), 1, -1));
        refused("C: W (4x17) and b (1x4) do not fit 4 filters of 3x3x2",
                () -> new Convolution("C", new DMatrixRMaj(4, 17), new DMatrixRMaj(1, 4), 3, 3, 2, 1, 0));
        refused("C: W (4x18) and b (1x3) do not fit", () -> new Convolution("C", new DMatrixRMaj(4, 18), new DMatrixRMaj(1, 3), 3, 3, 2, 1, 0));
        refused("C: W (4x18) and b (2x4) do not fit", () -> new Convolution("C", new DMatrixRMaj(4, 18), new DMatrixRMaj(2, 4), 3, 3, 2, 1, 0));
        refused("C: stride must be >= 1", () -> new Convolution("C", new DMatrixRMaj(4, 18), new DMatrixRMaj(1, 4), 3, 3, 2, 0, 0));
        Convolution c = new Convolution("C", w, Tensor.zeros(4), 1, 0);
        refused("C.backward called before forward", () -> c.backward(Tensor.zeros(1, 4, 4, 4)));
        refused("C: x must be (N, 3, H, W)", () -> c.forward(Tensor.zeros(1, 2, 6, 5)));
        refused("C: rows of 10 values are not 3 channels of 2x2", () -> c.forward(new DMatrixRMaj(1, 10), 2, 2));
        c.forward(Tensor.zeros(1, 3, 6, 5));
        refused("C: dout has shape (1x4x4x5), expected (1x4x4x4)", () -> c.backward(Tensor.zeros(1, 4, 4, 5)));
        refused("C: dout has shape (1x60), expected (1x64)", () -> c.backward(new DMatrixRMaj(1, 60)));
        refused("C: dout has shape (2x64), expected (1x64)", () -> c.backwardParameters(new DMatrixRMaj(2, 64)));

        refused("P: pool 0x2, stride 1, pad 0", () -> new Pooling("P", 0, 2, 1, 0));
        refused("P: pool 2x2, stride 0, pad 0", () -> new Pooling("P", 2, 2, 0, 0));
        refused("P: pool 2x2, stride 1, pad -1", () -> new Pooling("P", 2, 2, 1, -1));
        refused("P: pad 2 is more than half the 2x3 pool", () -> new Pooling("P", 2, 3, 1, 2));
        Pooling p = new Pooling("P", 2, 2, 2, 0);
        refused("P.backward called before forward", () -> p.backward(Tensor.zeros(1, 1, 1, 1)));
        refused("P.backward called before forward", () -> p.backward(new DMatrixRMaj(1, 1)));
        refused("P: x must be (N, C, H, W)", () -> p.forward(Tensor.zeros(4, 4)));
        refused("P: rows of 15 values are not 1 channels of 4x4", () -> p.forward(new DMatrixRMaj(1, 15), 1, 4, 4));
        p.forward(Tensor.zeros(1, 1, 4, 4));
        refused("P: dout has shape (1x1x3x2), expected (1x1x2x2)", () -> p.backward(Tensor.zeros(1, 1, 3, 2)));
        refused("P: dout has 5 values, expected 4", () -> p.backward(new DMatrixRMaj(1, 5)));

        Tape tape = new Tape();
        refused("Pooling: pad 2 is more than half the 3x3 pool", () -> LayerFunctions.maxPooling(tape.variable(Tensor.zeros(1, 1, 5, 5)), 3, 3, 1, 2));
        refused("Pooling: x must be (N, C, H, W)", () -> LayerFunctions.maxPooling(tape.variable(Tensor.zeros(5, 5)), 2, 2, 2, 0));
        refused("Convolution: x [1, 2, 5, 5] and W [4, 3, 3, 2] must be", () -> LayerFunctions.convolution(tape.variable(Tensor.zeros(1, 2, 5, 5)),
                tape.variable(w), tape.variable(Tensor.zeros(4)), 1, 0));
    }
}
