package io.github.tapegrad.samples.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.nn.optim.Param;
import io.github.tapegrad.samples.models.Parameters;
import io.github.tapegrad.samples.models.SimpleConvNet;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * NumPy interop. The two committed files were written by NumPy 2.4.6 ({@code np.savez}, and {@code np.savez_compressed}
 * with W1 float32 in Fortran order, b1 of shape (1, 3), W2 in Fortran order, b2 big-endian) from W1 = arange(12)/8 − 0.5
 * (4×3), b1 = [0.25, −1.5, 3], W2 = −arange(6)/8 (3×2), b2 = [1e-3, −2e5].
 */
class NumpyFilesTest {
    private static final double[] W1 = {-0.5, -0.375, -0.25, -0.125, 0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875};
    private static final double[] W2 = {-0.0, -0.125, -0.25, -0.375, -0.5, -0.625};

    private static Parameters read(String resource) throws IOException {
        try (InputStream in = NumpyFilesTest.class.getResourceAsStream(resource)) {
            return NumpyFiles.readTwoLayerNet(resource, in, 1 << 12);
        }
    }

    @Test
    void filesWrittenByNumpyAreReadExactly() throws IOException {
        for (String f : new String[] {"numpy-savez.npz", "numpy-compressed-fortran-f32.npz"}) {
            Parameters p = read(f);
            assertEquals(4, p.W1().numRows, f);
            assertEquals(3, p.W1().numCols, f);
            assertArrayEquals(W1, p.W1().data, 0.0, f + ": W1 row-major");
            assertArrayEquals(new double[] {0.25, -1.5, 3.0}, p.b1().data, 0.0, f + ": b1");
            assertArrayEquals(W2, p.W2().data, 0.0, f + ": W2");
            assertArrayEquals(new double[] {1e-3, -2e5}, p.b2().data, 0.0, f + ": b2");
        }
    }

    @Test
    void whatIsWrittenReadsBackBitForBit() throws IOException {
        Parameters p = Parameters.initial(7, 5, 3, 0.3, new Random(3));
        byte[] npz = NumpyFiles.bytesOf(p);
        Parameters q = NumpyFiles.readTwoLayerNet("mem.npz", new ByteArrayInputStream(npz), npz.length);
        for (int k = 0; k < 4; k++) assertArrayEquals(p.get(k).data, q.get(k).data, 0.0, Parameters.names().get(k));
    }

    @Test
    void aBadArrayIsNamed() throws IOException {
        Parameters p = Parameters.initial(3, 2, 2, 0.3, new Random(3));
        p.b2().data[1] = Double.NaN;
        byte[] npz = NumpyFiles.bytesOf(p);
        IOException e = assertThrows(IOException.class, () -> NumpyFiles.readTwoLayerNet("n.npz", new ByteArrayInputStream(npz), npz.length));
        assertEquals("n.npz [b2]: holds NaN at (0, 1); a network with non-finite weights cannot be used", e.getMessage());
        e = assertThrows(IOException.class, () -> NumpyFiles.readTwoLayerNet("x.npz", new ByteArrayInputStream(new byte[] {1, 2, 3}), 3));
        assertTrue(e.getMessage().startsWith("x.npz: no array W1"), e.getMessage());
    }

    /**
     * A SimpleConvNet's .npz written by NumPy 2.4.6 ({@code np.savez_compressed}, W1 (2, 1, 3, 3) and W2 (8, 3) in
     * Fortran order) from W1 = arange(18)/8 − 1, b1 = [0.5, −0.25], W2 = arange(24)/16 − 0.75, b2 = [1e-3, −2, 3.5],
     * W3 = −arange(12)/4 (3×4), b3 = [0, 1, −1, 2]: read in C order, and its input size (6×6: a 3×3 filter and a
     * pooled side of 2) recovered from W2.
     */
    @Test
    void aConvNetWrittenByNumpyIsRead() throws IOException {
        SimpleConvNet net;
        try (InputStream in = NumpyFilesTest.class.getResourceAsStream("numpy-convnet-fortran.npz")) {
            net = (SimpleConvNet) NumpyFiles.read("numpy-convnet-fortran.npz", in, 1 << 12);
        }
        assertEquals(new SimpleConvNet.Config(1, 6, 6, 2, 3, 3, 4), net.config());
        List<Param> p = net.trainableParams();
        for (int i = 0; i < 18; i++) assertEquals(i / 8.0 - 1, p.get(0).value().data[i], 0.0, "W1 in C order at " + i);
        assertEquals(2, p.get(0).value().numRows);
        for (int i = 0; i < 24; i++) assertEquals(i / 16.0 - 0.75, p.get(2).value().data[i], 0.0, "W2 in C order at " + i);
        assertArrayEquals(new double[] {1e-3, -2, 3.5}, p.get(3).value().data, 0.0);
        for (int i = 0; i < 12; i++) assertEquals(-i / 4.0, p.get(4).value().data[i], 0.0, "W3 at " + i);
        assertArrayEquals(new double[] {0, 1, -1, 2}, p.get(5).value().data, 0.0);
    }

    /** A trained-shape convnet written as .npz reads back bit for bit, W1 as the book's (FN, C, FH, FW). */
    @Test
    void aConvNetReadsBackBitForBit() throws IOException {
        SimpleConvNet net = new SimpleConvNet(new SimpleConvNet.Config(1, 28, 28, 30, 5, 100, 10), 0.3, new Random(5));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        NumpyFiles.write(net, out);
        byte[] npz = out.toByteArray();
        try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(new ByteArrayInputStream(npz))) {
            assertEquals("W1.npy", zip.getNextEntry().getName());
            String header = new String(zip.readNBytes(128), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(header.contains("'shape': (30, 1, 5, 5)"), "W1 keeps the book's 4-D shape: " + header);
        }
        SimpleConvNet back = (SimpleConvNet) NumpyFiles.read("mem.npz", new ByteArrayInputStream(npz), npz.length);
        assertEquals(net.config(), back.config());
        for (int k = 0; k < 6; k++) {
            assertArrayEquals(net.trainableParams().get(k).value().data, back.trainableParams().get(k).value().data, 0.0,
                    net.trainableParams().get(k).name());
        }
        net.trainableParams().get(0).value().data[31] = Double.POSITIVE_INFINITY;
        out.reset();
        NumpyFiles.write(net, out);
        byte[] bad = out.toByteArray();
        IOException e = assertThrows(IOException.class, () -> NumpyFiles.read("inf.npz", new ByteArrayInputStream(bad), bad.length));
        assertEquals("inf.npz [W1]: holds Infinity at (1, 0, 1, 1); a network with non-finite weights cannot be used", e.getMessage());
    }
}
