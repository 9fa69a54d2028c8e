package io.github.tapegrad.samples.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.samples.models.MultiLayerNet;
import io.github.tapegrad.samples.models.NetConfig;
import io.github.tapegrad.samples.models.Parameters;
import io.github.tapegrad.samples.models.WeightInit;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parameter files: a checksum catches damage, sizes are checked against the bytes before allocation, NaN is refused. */
class ModelFilesTest {

    private static byte[] bytesOf(Parameters p) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelFiles.write(p, out);
        return out.toByteArray();
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static IOException refused(byte[] file) {
        return assertThrows(IOException.class, () -> ModelFiles.readTwoLayerNet("p.bin", new ByteArrayInputStream(file)));
    }

    /** Every single flipped bit of a file is a clear error, never a network with other weights. */
    @Test
    void everyFlippedBitIsCaught() throws IOException {
        Parameters p = Parameters.initial(3, 2, 2, 0.5, new Random(1));
        byte[] good = bytesOf(p);
        assertArrayEquals(p.W1().data, ModelFiles.readTwoLayerNet("p.bin", new ByteArrayInputStream(good)).W1().data, 0.0);
        for (int bit = 0; bit < 8 * good.length; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            IOException e = refused(bad);
            assertTrue(e.getMessage().startsWith("p.bin: "), "bit " + bit + ": " + e.getMessage());
        }
        IOException e = refused(java.util.Arrays.copyOf(good, good.length + 3));
        assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
    }

    /** Files without a checksum (version 1) that claim huge sizes are refused before anything large is allocated. */
    @Test
    void claimedSizesAreCheckedAgainstTheBytes() throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(raw);
        out.write("TAPEGRAD".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeInt(1);
        out.writeUTF("TwoLayerNet");
        out.writeInt(4);
        out.writeUTF("W1");
        out.writeInt(50_000);
        out.writeInt(1_000);
        out.writeDouble(1.0);
        long a0 = allocated();
        IOException e = refused(raw.toByteArray());
        assertTrue(allocated() - a0 < (16L << 20), "allocated " + (allocated() - a0));
        assertEquals("p.bin: parameter W1 claims a shape of 50000x1000 (400000000 bytes), but the file holds 8 more bytes", e.getMessage());

        ByteArrayOutputStream ml = new ByteArrayOutputStream();
        out = new DataOutputStream(ml);
        out.write("TAPEGRAD".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeInt(1);
        out.writeUTF("MultiLayerNet");
        out.writeInt(784);
        out.writeInt(1);
        out.writeInt(1_000_000);
        out.writeInt(10);
        out.writeUTF("RELU");
        out.writeUTF("0.01");
        out.writeBoolean(false);
        out.writeDouble(0);
        out.writeDouble(0);
        byte[] mlBytes = ml.toByteArray();
        a0 = allocated();
        e = assertThrows(IOException.class, () -> ModelFiles.readMultiLayerNet("m.bin", new ByteArrayInputStream(mlBytes)));
        assertTrue(allocated() - a0 < (16L << 20), "allocated " + (allocated() - a0));
        assertTrue(e.getMessage().startsWith("m.bin: the configuration MultiLayerNet(784, [1000000], 10")
                && e.getMessage().contains("but the file holds 0 more bytes"), e.getMessage());
    }

    @Test
    void nonFiniteWeightsAreRefused(@TempDir Path dir) throws IOException {
        Parameters p = Parameters.initial(3, 2, 2, 0.5, new Random(1));
        p.W2().data[3] = Double.NaN;
        IOException e = refused(bytesOf(p));
        assertEquals("p.bin: parameter W2 holds NaN at (1, 1); a network with non-finite weights cannot be used", e.getMessage());
        MultiLayerNet net = new MultiLayerNet(new NetConfig(4, new int[] {3}, 2, NetConfig.Activation.RELU, WeightInit.parse("he"),
                true, 0, 0), new Random(2));
        Path file = dir.resolve("ml.bin");
        AtomicFiles.write(file, o -> ModelFiles.write(net, o));
        assertEquals(net.describe(), ModelFiles.read(file).describe());
        net.params().get(0).value().data[0] = Double.POSITIVE_INFINITY;
        AtomicFiles.write(file, o -> ModelFiles.write(net, o));
        e = assertThrows(IOException.class, () -> ModelFiles.read(file));
        assertTrue(e.getMessage().endsWith("parameter W1 holds Infinity at (0, 0); a network with non-finite weights cannot be used"),
                e.getMessage());
    }

    @Test
    void versionOneFilesAreStillRead() throws IOException {
        Parameters p = Parameters.initial(3, 2, 2, 0.5, new Random(1));
        byte[] v2 = bytesOf(p);
        byte[] v1 = java.util.Arrays.copyOf(v2, v2.length - 4);
        v1[11] = 1;
        assertArrayEquals(p.b2().data, ModelFiles.readTwoLayerNet("old.bin", new ByteArrayInputStream(v1)).b2().data, 0.0);
    }
}
