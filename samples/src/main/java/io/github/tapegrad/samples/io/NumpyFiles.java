package io.github.tapegrad.samples.io;

import io.github.tapegrad.nn.optim.Param;
import io.github.tapegrad.samples.models.Parameters;
import io.github.tapegrad.samples.models.SimpleConvNet;
import io.github.tapegrad.samples.models.TwoLayerNet;
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
 * A network's parameters as a NumPy {@code .npz}, the way the book's Python code keeps them: a zip of {@code .npy}
 * arrays, float64, C order, the biases 1-D. A TwoLayerNet holds W1, b1, W2, b2 (weights 2-D); a SimpleConvNet holds
 * W1 with the book's (FN, C, FH, FW) shape, b1, and W2, b2, W3, b3. {@code numpy.load} reads what the writers write;
 * the readers read what {@code numpy.savez} (or {@code savez_compressed}) wrote, little- or big-endian, float64 or
 * float32, C or Fortran order, biases 1-D or (1, N).
 */
public final class NumpyFiles {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final List<String> NAMES = List.of("W1", "b1", "W2", "b2");
    private static final List<String> CONV_NAMES = List.of("W1", "b1", "W2", "b2", "W3", "b3");
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
            entry(zip, NAMES.get(k), m, k % 2 == 1 ? new int[] {m.numCols} : new int[] {m.numRows, m.numCols});
        }
        zip.finish();
        zip.flush();
    }

    /** Writes a SimpleConvNet's W1 (FN, C, FH, FW), b1, W2, b2, W3, b3 as a .npz, as the book's {@code params} dict. */
    public static void write(SimpleConvNet net, OutputStream stream) throws IOException {
        SimpleConvNet.Config c = net.config();
        List<Param> params = net.trainableParams();
        ZipOutputStream zip = new ZipOutputStream(stream);
        for (int k = 0; k < params.size(); k++) {
            DMatrixRMaj m = params.get(k).value();
            int[] shape = k == 0 ? new int[] {c.filters(), c.channels(), c.filterSize(), c.filterSize()}
                    : k % 2 == 1 ? new int[] {m.numCols} : new int[] {m.numRows, m.numCols};
            entry(zip, CONV_NAMES.get(k), m, shape);
        }
        zip.finish();
        zip.flush();
    }

    private static void entry(ZipOutputStream zip, String name, DMatrixRMaj m, int[] shape) throws IOException {
        zip.putNextEntry(new ZipEntry(name + ".npy"));
        zip.write(npy(m, shape));
        zip.closeEntry();
    }

    /** One .npy (format 1.0): magic, version, header length, the header padded to 64 bytes, little-endian doubles. */
    private static byte[] npy(DMatrixRMaj m, int[] shape) {
        String dims = shape.length == 1 ? shape[0] + "," : java.util.Arrays.stream(shape).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(", "));
        StringBuilder header = new StringBuilder("{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims + "), }");
        while ((10 + header.length() + 1) % 64 != 0) header.append(' ');
        header.append('\n');
        int n = m.getNumElements();
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 8 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length()).put(header.toString().getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < n; i++) b.putDouble(m.data[i]);
        return b.array();
    }

    /** An array read from a .npy: its shape, and its values as a matrix (the first axis as rows, 1-D as one row). */
    private record Array(long[] shape, DMatrixRMaj values) {}

    /**
     * Reads a TwoLayerNet (W1, b1, W2, b2) or a SimpleConvNet (W1 4-D, b1 … b3) from a .npz, whichever it holds.
     *
     * <p>A SimpleConvNet's file does not say its input size: the book's network is given it by the code. It is taken
     * as square, H = W = 2·PH + FH − 1, from W2's rows FN·PH·PH (a pooled side PH): 28 for the book's 30 filters 5×5
     * and W2 of 4320 rows. A data set of another size is refused when used.
     *
     * @param source names the file in errors
     * @throws IOException naming the file, the array and what is wrong (a missing array, its type, shape or size, a
     *                     non-finite value, arrays that do not fit together)
     */
    public static io.github.tapegrad.samples.models.Network read(String source, InputStream stream, long fileBytes) throws IOException {
        Map<String, Array> arrays = arrays(source, stream, fileBytes);
        if (!arrays.containsKey("W3")) return new TwoLayerNet(twoLayerNet(source, arrays));
        for (String n : CONV_NAMES) {
            if (!arrays.containsKey(n)) throw new IOException(source + ": no array " + n + "; a SimpleConvNet .npz holds " + CONV_NAMES);
        }
        long[] w1 = arrays.get("W1").shape();
        if (w1.length != 4 || w1[2] != w1[3]) {
            throw new IOException(source + ": W1 has shape " + java.util.Arrays.toString(w1) + "; a SimpleConvNet's is (FN, C, FH, FH)");
        }
        int filters = (int) w1[0];
        int filterSize = (int) w1[2];
        DMatrixRMaj w2 = arrays.get("W2").values();
        DMatrixRMaj w3 = arrays.get("W3").values();
        int side = (int) Math.round(Math.sqrt((double) w2.numRows / filters));
        if (side < 1 || filters * side * side != w2.numRows) {
            throw new IOException(source + ": W2 has " + w2.numRows + " rows, not " + filters + " filters' square pooled maps");
        }
        int size = 2 * side + filterSize - 1;
        try {
            SimpleConvNet.Config config = new SimpleConvNet.Config((int) w1[1], size, size, filters, filterSize, w2.numCols, w3.numCols);
            return new SimpleConvNet(config, matrix(arrays, "W1", filters, (int) (w1[1] * w1[2] * w1[3])), row(arrays, "b1", filters),
                    w2, row(arrays, "b2", w2.numCols), matrix(arrays, "W3", w2.numCols, w3.numCols), row(arrays, "b3", w3.numCols));
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    /** An array's values as a rows × cols matrix, refused with its shape when it has another size. */
    private static DMatrixRMaj matrix(Map<String, Array> arrays, String name, int rows, int cols) {
        Array a = arrays.get(name);
        if (a.values().getNumElements() != rows * cols) {
            throw new IllegalArgumentException(name + " has shape " + java.util.Arrays.toString(a.shape()) + ", expected " + rows + "x" + cols + " values");
        }
        DMatrixRMaj m = a.values().copy();
        m.reshape(rows, cols, true);
        return m;
    }

    private static DMatrixRMaj row(Map<String, Array> arrays, String name, int n) {
        return matrix(arrays, name, 1, n);
    }

    private static Map<String, Array> arrays(String source, InputStream stream, long fileBytes) throws IOException {
        Map<String, Array> arrays = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(stream)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                if (!CONV_NAMES.contains(name)) continue;
                arrays.put(name, readArray(source + " [" + name + "]", zip, fileBytes));
            }
        } catch (java.util.zip.ZipException e) {
            throw new IOException(source + ": not a readable .npz (zip) file: " + e.getMessage(), e);
        }
        return arrays;
    }

    /**
     * Reads W1, b1, W2, b2 from a .npz.
     *
     * @param source names the file in errors
     * @throws IOException naming the file, the array and what is wrong (a missing array, its type, shape or size, a
     *                     non-finite value, arrays that do not fit together)
     */
    public static Parameters readTwoLayerNet(String source, InputStream stream, long fileBytes) throws IOException {
        return twoLayerNet(source, arrays(source, stream, fileBytes));
    }

    private static Parameters twoLayerNet(String source, Map<String, Array> arrays) throws IOException {
        for (String n : NAMES) {
            if (!arrays.containsKey(n)) throw new IOException(source + ": no array " + n + "; a TwoLayerNet .npz holds " + NAMES);
            if (arrays.get(n).shape().length > 2) {
                throw new IOException(source + ": " + n + " has shape " + java.util.Arrays.toString(arrays.get(n).shape())
                        + "; a TwoLayerNet's arrays have 1 or 2 dimensions");
            }
        }
        try {
            return new Parameters(arrays.get("W1").values(), arrays.get("b1").values(), arrays.get("W2").values(), arrays.get("b2").values());
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    /** One .npy array (1 to 4 dimensions; 1-D as one row), its size checked against what the file can hold. */
    private static Array readArray(String source, InputStream in, long fileBytes) throws IOException {
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
        if (shape.length < 1 || shape.length > 4) throw new IOException(source + ": shape " + s.group(0) + "; expected 1 to 4 dimensions");
        long count = 1;
        for (long extent : shape) count = extent <= 0 || count > Integer.MAX_VALUE ? -1 : count * extent;
        int rows = shape.length == 1 ? 1 : (int) shape[0];
        int cols = count <= 0 || count > Integer.MAX_VALUE ? -1 : (int) (count / rows);
        long bytes = count * width;
        // NOTE: a compressed entry may inflate to more than the file's size, but no .npz of real weights compresses
        // 1000:1; a claim beyond that is refused before it is allocated
        if (rows <= 0 || cols <= 0 || count <= 0 || bytes > 1000 * Math.max(fileBytes, 1L << 20)) {
            throw new IOException(source + ": shape " + s.group(0) + " (" + bytes + " bytes) does not fit this " + fileBytes + "-byte file");
        }
        byte[] raw = in.readNBytes((int) bytes);
        if (raw.length < bytes) throw new IOException(source + ": truncated: shape " + s.group(0) + " needs " + bytes + " bytes, the array has " + raw.length);
        ByteBuffer b = ByteBuffer.wrap(raw).order(order);
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < rows * cols; i++) {
            double v = width == 8 ? b.getDouble() : b.getFloat();
            // Fortran order stores the first axis fastest
            int at = fortran ? cOrderIndex(i, shape) : i;
            if (!Double.isFinite(v)) {
                throw new IOException(source + ": holds " + v + " at " + indexText(at, shape) + "; a network with non-finite weights"
                        + " cannot be used");
            }
            m.data[at] = v;
        }
        return new Array(shape, m);
    }

    /** Where flat C-order index {@code at} lies: (row, column) of the matrix for 1 or 2 dimensions, else every axis. */
    private static String indexText(int at, long[] shape) {
        if (shape.length <= 2) {
            int cols = (int) shape[shape.length - 1];
            return "(" + at / cols + ", " + at % cols + ")";
        }
        long[] index = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = at % shape[d];
            at /= (int) shape[d];
        }
        return java.util.Arrays.toString(index).replace('[', '(').replace(']', ')');
    }

    /** The C-order (row-major) index of the element at Fortran-order index {@code f} of an array of this shape. */
    private static int cOrderIndex(int f, long[] shape) {
        int at = 0;
        int stride = 1;
        int[] index = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            index[d] = (int) (f % shape[d]);
            f /= (int) shape[d];
        }
        for (int d = shape.length - 1; d >= 0; d--) {
            at += index[d] * stride;
            stride *= (int) shape[d];
        }
        return at;
    }

    /** A .npz in memory: for tests and for the round trip through Python. */
    static byte[] bytesOf(Parameters p) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(p, out);
        return out.toByteArray();
    }
}
