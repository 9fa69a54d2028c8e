package io.github.tapegrad.samples.io;

import io.github.tapegrad.samples.models.Parameters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.ejml.data.DMatrixRMaj;

/**
 * A TwoLayerNet's parameters as a NumPy {@code .npz}, the way the book's Python code keeps them: a zip of {@code .npy}
 * arrays named W1, b1, W2, b2, float64, C order, the weights 2-D and the biases 1-D. {@code numpy.load} reads what
 * {@link #write} writes; {@link #readTwoLayerNet} reads what {@code numpy.savez} (or {@code savez_compressed}) wrote,
 * little- or big-endian, float64 or float32, C or Fortran order, biases 1-D or (1, N).
 */
public final class NumpyFiles {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final List<String> NAMES = List.of("W1", "b1", "W2", "b2");
    /** The longest .npy header read; NumPy's own are under 100 bytes. */
    private static final int MAX_HEADER = 1 << 16;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([fi])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NumpyFiles() {}

    /** Whether a file name asks for this format. */
    public static boolean isNpz(java.nio.file.Path file) {
        return file.getFileName() != null && file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".npz");
    }

    /** Writes W1, b1, W2, b2 as a .npz (the biases 1-D, as the book keeps them). */
    public static void write(Parameters p, OutputStream stream) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(stream);
        for (int k = 0; k < 4; k++) {
            DMatrixRMaj m = p.get(k);
            boolean bias = k % 2 == 1;
            zip.putNextEntry(new ZipEntry(NAMES.get(k) + ".npy"));
            zip.write(npy(m, bias ? new int[] {m.numCols} : new int[] {m.numRows, m.numCols}));
            zip.closeEntry();
        }
        zip.finish();
        zip.flush();
    }

    /** One .npy (format 1.0): magic, version, header length, the header padded to 64 bytes, little-endian doubles. */
    private static byte[] npy(DMatrixRMaj m, int[] shape) {
        String dims = shape.length == 1 ? shape[0] + "," : shape[0] + ", " + shape[1];
        StringBuilder header = new StringBuilder("{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims + "), }");
        while ((10 + header.length() + 1) % 64 != 0) header.append(' ');
        header.append('\n');
        int n = m.getNumElements();
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 8 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length()).put(header.toString().getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < n; i++) b.putDouble(m.data[i]);
        return b.array();
    }

    /**
     * Reads W1, b1, W2, b2 from a .npz.
     *
     * @param source names the file in errors
     * @throws IOException naming the file, the array and what is wrong (a missing array, its type, shape or size, a
     *                     non-finite value, arrays that do not fit together)
     */
    public static Parameters readTwoLayerNet(String source, InputStream stream, long fileBytes) throws IOException {
        Map<String, DMatrixRMaj> arrays = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(stream)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                if (!NAMES.contains(name)) continue;
                arrays.put(name, readArray(source + " [" + name + "]", zip, fileBytes));
            }
        } catch (java.util.zip.ZipException e) {
            throw new IOException(source + ": not a readable .npz (zip) file: " + e.getMessage(), e);
        }
        for (String n : NAMES) {
            if (!arrays.containsKey(n)) throw new IOException(source + ": no array " + n + "; a TwoLayerNet .npz holds " + NAMES);
        }
        try {
            return new Parameters(arrays.get("W1"), arrays.get("b1"), arrays.get("W2"), arrays.get("b2"));
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    /** One .npy array as a matrix (1-D arrays as one row), its size checked against what the file can hold. */
    private static DMatrixRMaj readArray(String source, InputStream in, long fileBytes) throws IOException {
        byte[] pre = in.readNBytes(10);
        if (pre.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(pre, 6), MAGIC)) {
            throw new IOException(source + ": not a .npy array (bad magic)");
        }
        int major = pre[6];
        int headerLength;
        if (major == 1) {
            headerLength = (pre[8] & 0xFF) | (pre[9] & 0xFF) << 8;
        } else if (major == 2 || major == 3) {
            byte[] more = in.readNBytes(2);
            if (more.length < 2) throw new IOException(source + ": truncated .npy header");
            headerLength = (pre[8] & 0xFF) | (pre[9] & 0xFF) << 8 | (more[0] & 0xFF) << 16 | (more[1] & 0xFF) << 24;
        } else {
            throw new IOException(source + ": unsupported .npy format version " + major);
        }
        if (headerLength < 0 || headerLength > MAX_HEADER) throw new IOException(source + ": .npy header of " + headerLength + " bytes");
        byte[] headerBytes = in.readNBytes(headerLength);
        if (headerBytes.length < headerLength) throw new IOException(source + ": truncated .npy header");
        String header = new String(headerBytes, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) throw new IOException(source + ": unreadable .npy header " + header.trim());
        if (!d.group(2).equals("f") || !(d.group(3).equals("8") || d.group(3).equals("4"))) {
            throw new IOException(source + ": dtype " + d.group(2) + d.group(3) + "; expected float64 (or float32)");
        }
        int width = Integer.parseInt(d.group(3));
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        boolean fortran = f.group(1).equals("True");
        String[] dims = s.group(1).split(",");
        long[] shape = java.util.Arrays.stream(dims).map(String::trim).filter(t -> !t.isEmpty()).mapToLong(Long::parseLong).toArray();
        if (shape.length < 1 || shape.length > 2) throw new IOException(source + ": shape " + s.group(0) + "; expected 1 or 2 dimensions");
        int rows = shape.length == 1 ? 1 : (int) shape[0];
        int cols = (int) shape[shape.length - 1];
        long bytes = (long) rows * cols * width;
        // NOTE: a compressed entry may inflate to more than the file's size, but no .npz of real weights compresses
        // 1000:1; a claim beyond that is refused before it is allocated
        if (rows <= 0 || cols <= 0 || bytes > 1000 * Math.max(fileBytes, 1L << 20)) {
            throw new IOException(source + ": shape " + s.group(0) + " (" + bytes + " bytes) does not fit this " + fileBytes + "-byte file");
        }
        byte[] raw = in.readNBytes((int) bytes);
        if (raw.length < bytes) throw new IOException(source + ": truncated: shape " + s.group(0) + " needs " + bytes + " bytes, the array has " + raw.length);
        ByteBuffer b = ByteBuffer.wrap(raw).order(order);
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < rows * cols; i++) {
            double v = width == 8 ? b.getDouble() : b.getFloat();
            // Fortran order stores column after column
            int at = fortran ? (i % rows) * cols + i / rows : i;
            if (!Double.isFinite(v)) {
                throw new IOException(source + ": holds " + v + " at (" + at / cols + ", " + at % cols + "); a network with non-finite weights cannot be used");
            }
            m.data[at] = v;
        }
        return m;
    }

    /** A .npz in memory: for tests and for the round trip through Python. */
    static byte[] bytesOf(Parameters p) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(p, out);
        return out.toByteArray();
    }
}
