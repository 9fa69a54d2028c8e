package io.github.tapegrad.samples.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST format), raw or gzipped (detected by the gzip magic bytes 1f 8b).
 *
 * <p>Format: a big-endian header — magic 0x00000803 = 2051 for images (3 dimensions: count, rows, cols) or
 * 0x00000801 = 2049 for labels (1 dimension: count) — then count·rows·cols (or count) unsigned bytes. Everything
 * is validated before use; the payload buffer grows with the bytes that really arrive (never to the size a header
 * merely claims), truncation and trailing bytes are errors (after a gzip stream too), and every message names the
 * file.
 */
public final class IdxReader {
    /** Magic number of an image file: unsigned bytes (0x08), 3 dimensions. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of a label file: unsigned bytes (0x08), 1 dimension. */
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    /** Images: count, rows, cols and the row-major unsigned pixels (read them as {@code b & 0xFF}). */
    public record Images(int count, int rows, int cols, byte[] pixels) {}

    /** Reads an image file. */
    public static Images readImages(String name, InputStream in) throws IOException {
        try (DataInputStream data = open(name, in)) {
            int magic = readHeaderInt(name, data, "magic number");
            checkMagic(name, magic, IMAGES_MAGIC, "images");
            int count = readHeaderInt(name, data, "image count");
            int rows = readHeaderInt(name, data, "row count");
            int cols = readHeaderInt(name, data, "column count");
            if (count < 0) throw new IdxFormatException(name + ": negative image count " + count);
            if (rows <= 0 || cols <= 0) throw new IdxFormatException(name + ": image size must be positive, got " + rows + "x" + cols);
            long size = (long) count * rows * cols;
            if (size > Integer.MAX_VALUE - 16) {
                throw new IdxFormatException(name + ": " + count + " images of " + rows + "x" + cols + " = " + size
                        + " bytes is more than this reader supports");
            }
            byte[] pixels = readPayload(name, data, (int) size, 16, "image count " + count + " of " + rows + "x" + cols);
            return new Images(count, rows, cols, pixels);
        }
    }

    /** Reads a label file; every label must be a digit 0–9. */
    public static int[] readLabels(String name, InputStream in) throws IOException {
        try (DataInputStream data = open(name, in)) {
            int magic = readHeaderInt(name, data, "magic number");
            checkMagic(name, magic, LABELS_MAGIC, "labels");
            int count = readHeaderInt(name, data, "label count");
            if (count < 0) throw new IdxFormatException(name + ": negative label count " + count);
            byte[] raw = readPayload(name, data, count, 8, "label count " + count);
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xFF;
                if (labels[i] > 9) throw new IdxFormatException(name + ": label " + labels[i] + " at index " + i + " is not a digit 0-9");
            }
            return labels;
        }
    }

    private static DataInputStream open(String name, InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            // NOTE: the compressed bytes are read whole (they are the file's own size), and inflated only as far as read
            return new DataInputStream(new BufferedInputStream(new GzipInput(name, buffered.readAllBytes()), 1 << 16));
        }
        return new DataInputStream(buffered);
    }

    private static void checkMagic(String name, int magic, int expected, String kind) throws IdxFormatException {
        if (magic == expected) return;
        String hint = "";
        if ((magic >>> 8) == 0x08) hint = " (an IDX file of unsigned bytes with " + (magic & 0xFF) + " dimensions)";
        else if ((magic & 0xFFFF0000) == 0 && ((magic >>> 8) & 0xFF) != 0x08) hint = " (data type byte 0x" + Integer.toHexString((magic >>> 8) & 0xFF) + ", expected 0x08 = unsigned byte)";
        throw new IdxFormatException(String.format("%s: not an IDX %s file: magic number expected %d (0x%08x) but was %d (0x%08x)%s",
                name, kind, expected, expected, magic, magic, hint));
    }

    private static int readHeaderInt(String name, DataInputStream data, String what) throws IOException {
        try {
            return data.readInt();
        } catch (EOFException e) {
            throw new IdxFormatException(name + ": truncated header: the file ends before its " + what, e);
        } catch (ZipException e) {
            throw new IdxFormatException(name + ": corrupt gzip data: " + e.getMessage(), e);
        }
    }

    /**
     * The payload the header announced. NOTE: the buffer starts at 1 MiB at most and doubles as bytes arrive, so a
     * header claiming far more than the file holds costs no more memory than the file's real bytes.
     */
    private static byte[] readPayload(String name, DataInputStream data, int size, int header, String claim) throws IOException {
        byte[] payload = new byte[Math.min(size, 1 << 20)];
        int read = 0;
        try {
            while (read < size) {
                if (read == payload.length) payload = java.util.Arrays.copyOf(payload, (int) Math.min(size, 2L * payload.length));
                int n = data.read(payload, read, payload.length - read);
                if (n < 0) break;
                read += n;
            }
            if (read < size) {
                throw new IdxFormatException(name + ": truncated: its header's " + claim + " means expected " + (header + (long) size)
                        + " bytes (header " + header + " + payload " + size + ") but the file has " + (header + (long) read));
            }
            if (data.read() >= 0) {
                long extra = 1;
                while (data.read() >= 0) extra++;
                throw new IdxFormatException(name + ": " + extra + " trailing byte(s) after the expected "
                        + (header + (long) size) + " bytes");
            }
        } catch (ZipException | EOFException e) {
            throw new IdxFormatException(name + ": corrupt or truncated gzip data after " + (header + (long) read) + " bytes: "
                    + e.getMessage(), e);
        }
        return payload;
    }
}
