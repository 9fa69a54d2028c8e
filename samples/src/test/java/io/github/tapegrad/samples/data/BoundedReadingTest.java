package io.github.tapegrad.samples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * Sizes an IDX header claims are never trusted before the bytes arrive: a small file claiming a huge payload fails
 * having allocated about what it holds, and names the file, the field, the claimed size and the real length.
 */
class BoundedReadingTest {
    private static final long LIMIT = 16L << 20;

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** The failure of {@code read}, after checking that reading allocated less than 16 MB; prints the time taken. */
    private static IdxFormatException failsCheaply(String what, ThrowingSupplier<?> read) {
        long a0 = allocated();
        long t0 = System.nanoTime();
        IdxFormatException e = assertThrows(IdxFormatException.class, read::get);
        long bytes = allocated() - a0;
        System.out.printf("%s: refused in %.2f ms, %d bytes allocated: %s%n", what, (System.nanoTime() - t0) / 1e6, bytes, e.getMessage());
        assertTrue(bytes < LIMIT, what + ": allocated " + bytes + " bytes");
        return e;
    }

    @Test
    void aHundredByteLabelFileClaiming2To31LabelsFailsBeforeAllocatingThem() {
        byte[] file = IdxReaderTest.labels(IdxReader.LABELS_MAGIC, Integer.MAX_VALUE, new int[92]);
        assertTrue(file.length == 100);
        for (boolean gz : new boolean[] {false, true}) {
            IdxFormatException e = failsCheaply("labels, " + (gz ? "gzip" : "raw"),
                    () -> IdxReader.readLabels("claims.idx", new ByteArrayInputStream(gz ? IdxReaderTest.gzip(file) : file)));
            assertTrue(e.getMessage().startsWith("claims.idx: truncated: its header's label count 2147483647")
                    && e.getMessage().contains("expected 2147483655 bytes") && e.getMessage().contains("the file has 100"), e.getMessage());
        }
    }

    @Test
    void anImageHeaderClaimingMillionsOfImagesFailsBeforeAllocatingThem() {
        byte[] file = IdxReaderTest.images(IdxReader.IMAGES_MAGIC, 2_700_000, 28, 28, 84);
        IdxFormatException e = failsCheaply("images", () -> IdxReader.readImages("big.idx", new ByteArrayInputStream(file)));
        assertTrue(e.getMessage().contains("image count 2700000 of 28x28") && e.getMessage().contains("expected 2116800016 bytes")
                && e.getMessage().contains("has 100"), e.getMessage());
    }

    @Test
    void bytesAfterTheGzipStreamAreRejectedLikeBytesAfterARawFile() throws IOException {
        byte[] raw = IdxReaderTest.labels(IdxReader.LABELS_MAGIC, 3, 1, 2, 3);
        byte[] gz = IdxReaderTest.gzip(raw);
        assertArrayEquals(new int[] {1, 2, 3}, IdxReader.readLabels("ok", new ByteArrayInputStream(gz)));
        byte[] tail = Arrays.copyOf(gz, gz.length + 5);
        tail[gz.length] = 'j';
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readLabels("t.gz", new ByteArrayInputStream(tail)));
        assertTrue(e.getMessage().equals("t.gz: 5 trailing byte(s) after the end of the gzip data"), e.getMessage());
        byte[] two = new byte[2 * gz.length];
        System.arraycopy(gz, 0, two, 0, gz.length);
        System.arraycopy(IdxReaderTest.gzip(new byte[0]), 0, two, gz.length, IdxReaderTest.gzip(new byte[0]).length);
        byte[] concatenated = Arrays.copyOf(two, gz.length + IdxReaderTest.gzip(new byte[0]).length);
        assertArrayEquals(new int[] {1, 2, 3}, IdxReader.readLabels("two members", new ByteArrayInputStream(concatenated)),
                "concatenated gzip members are one stream (RFC 1952)");
        byte[] badCrc = gz.clone();
        badCrc[gz.length - 8] ^= 1;
        e = assertThrows(IdxFormatException.class, () -> IdxReader.readLabels("crc.gz", new ByteArrayInputStream(badCrc)));
        assertTrue(e.getMessage().startsWith("crc.gz: corrupt gzip data: CRC-32"), e.getMessage());
        byte[] cut = Arrays.copyOf(gz, gz.length - 6);
        e = assertThrows(IdxFormatException.class, () -> IdxReader.readLabels("cut.gz", new ByteArrayInputStream(cut)));
        assertTrue(e.getMessage().startsWith("cut.gz: truncated gzip data"), e.getMessage());
    }

    /** A $TAPEGRAD_MNIST that names a missing or incomplete folder is an error, never a quiet fall back to the subset. */
    @Test
    void aBadDataFolderSettingIsAnError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> MnistSource.load(null, dir.resolve("gone").toString()));
        assertTrue(e.getMessage().equals("$TAPEGRAD_MNIST=" + dir.resolve("gone") + ": no such folder"), e.getMessage());
        java.nio.file.Files.write(dir.resolve("train-images-idx3-ubyte"), new byte[0]);
        e = assertThrows(IdxFormatException.class, () -> MnistSource.load(null, dir.toString()));
        assertTrue(e.getMessage().startsWith("$TAPEGRAD_MNIST=" + dir + ": no train-labels-idx1-ubyte"), e.getMessage());
    }
}
