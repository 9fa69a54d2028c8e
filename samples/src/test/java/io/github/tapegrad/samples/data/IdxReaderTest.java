package io.github.tapegrad.samples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader against malformed files written by the test. */
class IdxReaderTest {

    static byte[] images(int magic, int count, int rows, int cols, int payload) {
        ByteBuffer b = ByteBuffer.allocate(16 + Math.max(0, payload));
        b.putInt(magic).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < payload; i++) b.put((byte) (i * 37));
        return b.array();
    }

    static byte[] labels(int magic, int count, int... values) {
        ByteBuffer b = ByteBuffer.allocate(8 + values.length);
        b.putInt(magic).putInt(count);
        for (int v : values) b.put((byte) v);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private static IdxFormatException imagesFail(byte[] bytes) {
        return assertThrows(IdxFormatException.class, () -> IdxReader.readImages("f.idx", new ByteArrayInputStream(bytes)));
    }

    @Test
    void readsImagesAndLabelsBigEndianAndUnsigned() throws IOException {
        byte[] raw = images(2051, 2, 2, 3, 12);
        raw[16] = (byte) 0xFF;
        IdxReader.Images im = IdxReader.readImages("f", new ByteArrayInputStream(raw));
        assertEquals(2, im.count());
        assertEquals(2, im.rows());
        assertEquals(3, im.cols());
        assertEquals(255, im.pixels()[0] & 0xFF);
        MnistData data = new MnistData("f", im, new int[] {3, 9});
        DMatrixRMaj x = new DMatrixRMaj(1, 1);
        data.range(0, 2, x);
        assertEquals(1.0, x.get(0, 0), 0.0, "0xFF reads as 255 and normalises to 1.0, not -1");
        assertEquals(37 / 255.0, x.get(0, 1), 0.0);
        assertArrayEquals(new int[] {0, 9, 7}, IdxReader.readLabels("l", new ByteArrayInputStream(labels(2049, 3, 0, 9, 7))));
    }

    @Test
    void gzipAndRawGiveTheSameData() throws IOException {
        byte[] raw = images(2051, 3, 28, 28, 3 * 784);
        IdxReader.Images a = IdxReader.readImages("raw", new ByteArrayInputStream(raw));
        IdxReader.Images b = IdxReader.readImages("gz", new ByteArrayInputStream(gzip(raw)));
        assertArrayEquals(a.pixels(), b.pixels());
        byte[] lab = labels(2049, 3, 1, 2, 3);
        assertArrayEquals(IdxReader.readLabels("raw", new ByteArrayInputStream(lab)),
                IdxReader.readLabels("gz", new ByteArrayInputStream(gzip(lab))));
    }

    @Test
    void wrongMagicNamesFileAndBothValues() {
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> IdxReader.readImages("train-labels-idx1-ubyte", new ByteArrayInputStream(labels(2049, 1, 1))));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte") && e.getMessage().contains("expected 2051 (0x00000803) but was 2049"),
                e.getMessage());
        e = assertThrows(IdxFormatException.class,
                () -> IdxReader.readLabels("x", new ByteArrayInputStream(images(2051, 1, 1, 1, 1))));
        assertTrue(e.getMessage().contains("expected 2049"), e.getMessage());
    }

    @Test
    void wrongTypeByteOrDimensionCountIsRejected() {
        IdxFormatException e = imagesFail(images(0x00000D03, 1, 1, 1, 1));
        assertTrue(e.getMessage().contains("0x00000d03"), e.getMessage());
        e = imagesFail(images(0x00000802, 1, 1, 1, 1));
        assertTrue(e.getMessage().contains("2 dimensions"), e.getMessage());
    }

    @Test
    void truncationInHeaderOrPayloadGivesByteCounts() {
        IdxFormatException e = imagesFail(Arrays.copyOf(images(2051, 1, 2, 2, 4), 10));
        assertTrue(e.getMessage().contains("truncated header"), e.getMessage());
        e = imagesFail(Arrays.copyOf(images(2051, 2, 2, 2, 8), 20));
        assertTrue(e.getMessage().contains("expected 24 bytes") && e.getMessage().contains("has 20"), e.getMessage());
    }

    @Test
    void trailingBytesAreRejected() {
        IdxFormatException e = imagesFail(images(2051, 1, 2, 2, 6));
        assertTrue(e.getMessage().contains("2 trailing byte(s)"), e.getMessage());
        e = assertThrows(IdxFormatException.class, () -> IdxReader.readLabels("l", new ByteArrayInputStream(labels(2049, 1, 1, 2))));
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    }

    @Test
    void labelsAboveNineAreRejected() {
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> IdxReader.readLabels("l", new ByteArrayInputStream(labels(2049, 3, 1, 10, 2))));
        assertTrue(e.getMessage().contains("label 10 at index 1"), e.getMessage());
    }

    @Test
    void negativeCountsAndOverflowingSizesFailBeforeAllocation() {
        assertTrue(imagesFail(images(2051, -5, 28, 28, 0)).getMessage().contains("negative image count -5"));
        assertTrue(imagesFail(images(2051, 60000, 60000, 28, 0)).getMessage().contains("more than this reader supports"));
        assertTrue(imagesFail(images(2051, 1, 0, 28, 0)).getMessage().contains("must be positive"));
    }

    @Test
    void corruptGzipIsReportedWithTheFileName() throws IOException {
        byte[] gz = gzip(images(2051, 1, 28, 28, 784));
        byte[] cut = Arrays.copyOf(gz, gz.length / 2);
        IdxFormatException e = imagesFail(cut);
        assertTrue(e.getMessage().startsWith("f.idx"), e.getMessage());
        byte[] bad = gz.clone();
        bad[gz.length / 2] ^= 0x55;
        bad[gz.length / 2 + 1] ^= 0x55;
        assertThrows(IOException.class, () -> IdxReader.readImages("f.idx", new ByteArrayInputStream(bad)));
    }

    @Test
    void imageAndLabelCountsMustAgree(@TempDir Path dir) throws IOException {
        Path im = dir.resolve("images");
        Path lab = dir.resolve("labels");
        Files.write(im, images(2051, 3, 2, 2, 12));
        Files.write(lab, labels(2049, 2, 1, 2));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> MnistSource.readFiles(im, lab));
        assertTrue(e.getMessage().contains("3 images") && e.getMessage().contains("2 labels"), e.getMessage());
    }

    @Test
    void incompleteFolderNamesTheMissingFile(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), images(2051, 1, 2, 2, 4));
        IOException e = assertThrows(IOException.class, () -> MnistSource.load(dir));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte"), e.getMessage());
    }

    @Test
    void bundledSubsetIsTheFirstImagesOfMnist() throws IOException {
        MnistSource.Loaded b = MnistSource.bundled();
        assertEquals(5000, b.train().size());
        assertEquals(1000, b.test().size());
        assertEquals(784, b.train().features());
        assertEquals(5, b.train().label(0), "the first MNIST training label is 5");
        assertEquals(7, b.test().label(0), "the first MNIST test label is 7");
        assertTrue(b.description().contains("fetch-mnist.sh"), b.description());
    }
}
