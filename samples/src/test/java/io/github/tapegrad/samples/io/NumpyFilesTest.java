package io.github.tapegrad.samples.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.samples.models.Parameters;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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
}
