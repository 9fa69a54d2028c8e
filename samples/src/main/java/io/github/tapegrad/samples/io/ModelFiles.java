package io.github.tapegrad.samples.io;

import io.github.tapegrad.nn.BatchNormalization;
import io.github.tapegrad.nn.optim.Param;
import io.github.tapegrad.samples.models.MultiLayerNet;
import io.github.tapegrad.samples.models.NetConfig;
import io.github.tapegrad.samples.models.Network;
import io.github.tapegrad.samples.models.Parameters;
import io.github.tapegrad.samples.models.SimpleConvNet;
import io.github.tapegrad.samples.models.TwoLayerNet;
import io.github.tapegrad.samples.models.WeightInit;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * tapegrad's parameter files, for both networks. Version 2, all numbers big-endian as {@link DataOutputStream} writes
 * them: the 8 ASCII bytes {@code TAPEGRAD}, int version = 2, UTF network kind, then the body, then the CRC32C of every
 * byte before it (an int), so that a damaged file is an error instead of a network with different weights. Version 1
 * files (the same without the checksum) are still read.
 *
 * <p>Reading is bounded: every size the file claims is checked against the bytes it really holds before anything is
 * allocated, and parameters holding NaN or ±∞ are refused.
 * <ul>
 *   <li>{@code TwoLayerNet}: int parameter count (4), then per parameter W1, b1, W2, b2: UTF name, int rows, int cols,
 *       rows·cols IEEE-754 doubles in row-major order.</li>
 *   <li>{@code MultiLayerNet}: the config (int input, int count and each hidden size, int output, UTF activation, UTF
 *       init, boolean batchnorm, double dropout, double weight decay), then every parameter as above, then for each
 *       BatchNormalization its running mean and variance as matrices named {@code BatchNormK.mean} and
 *       {@code BatchNormK.var}.</li>
 * </ul>
 */
public final class ModelFiles {
    private static final byte[] MAGIC = "TAPEGRAD".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 2;
    /** The first version, without a checksum; still read. */
    private static final int VERSION_WITHOUT_CHECKSUM = 1;
    static final String TWO_LAYER_NET = "TwoLayerNet";
    static final String MULTI_LAYER_NET = "MultiLayerNet";
    static final String SIMPLE_CONV_NET = "SimpleConvNet";
    private static final List<String> TWO_LAYER_NAMES = List.of("W1", "b1", "W2", "b2");

    private ModelFiles() {}

    /** Reads a parameter file written by {@link #write}, whichever network it holds. */
    public static Network read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such parameter file");
        if (!Files.isReadable(file)) throw new IOException(file + ": cannot read the parameter file (permission denied)");
        long size = Files.size(file);
        if (NumpyFiles.isNpz(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                return NumpyFiles.read(file.toString(), in, size);
            }
        }
        if (size > MAX_FILE_BYTES) {
            throw new IOException(file + ": " + size + " bytes is more than a parameter file this program reads (" + MAX_FILE_BYTES + ")");
        }
        byte[] bytes = Files.readAllBytes(file);
        Body body = body(file.toString(), bytes);
        if (MULTI_LAYER_NET.equals(body.kind)) return readMultiLayerNet(file.toString(), body);
        if (TWO_LAYER_NET.equals(body.kind)) return new TwoLayerNet(readTwoLayerNet(file.toString(), body));
        if (SIMPLE_CONV_NET.equals(body.kind)) return readSimpleConvNet(file.toString(), body);
        throw new IOException(file + ": unknown network kind '" + body.kind + "'");
    }

    /** The largest parameter file read: 1 GiB, far above any network these samples train. */
    static final long MAX_FILE_BYTES = 1L << 30;

    /** A file's kind and the stream of its body, after the header and with the checksum verified. */
    private record Body(String kind, ByteArrayInputStream bytes, DataInputStream in) {}

    private static Body body(String source, byte[] bytes) throws IOException {
        ByteArrayInputStream stream = new ByteArrayInputStream(bytes);
        DataInputStream in = new DataInputStream(stream);
        int version;
        String kind;
        try {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) throw new IOException(source + ": not a tapegrad parameter file (bad magic)");
            version = in.readInt();
            if (version != VERSION && version != VERSION_WITHOUT_CHECKSUM) {
                throw new IOException(source + ": unsupported version " + version + " (this program reads 1 and " + VERSION + ")");
            }
            kind = in.readUTF();
        } catch (java.io.EOFException | java.io.UTFDataFormatException e) {
            throw new IOException(source + ": truncated parameter file (the header is incomplete)", e);
        }
        int consumed = bytes.length - stream.available();
        int end = bytes.length;
        if (version == VERSION) {
            if (bytes.length - consumed < 4) throw new IOException(source + ": truncated parameter file (no checksum)");
            end = bytes.length - 4;
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(bytes, 0, end);
            int stored = ((bytes[end] & 0xFF) << 24) | ((bytes[end + 1] & 0xFF) << 16) | ((bytes[end + 2] & 0xFF) << 8) | (bytes[end + 3] & 0xFF);
            if ((int) crc.getValue() != stored) {
                throw new IOException(String.format("%s: damaged parameter file: its CRC32C checksum is 0x%08x but its bytes give"
                        + " 0x%08x (a changed, truncated or extended file)", source, stored, (int) crc.getValue()));
            }
        }
        // the body: after the header, before the checksum
        stream = new ByteArrayInputStream(bytes, consumed, end - consumed);
        in = new DataInputStream(stream);
        return new Body(kind, stream, in);
    }

    /**
     * Writes the network to {@code file}'s stream: as a NumPy .npz when the name ends in .npz (a TwoLayerNet or a
     * SimpleConvNet), else in the format of its kind.
     */
    public static void write(Network net, Path file, OutputStream stream) throws IOException {
        if (!NumpyFiles.isNpz(file)) {
            write(net, stream);
            return;
        }
        if (net instanceof TwoLayerNet two) NumpyFiles.write(two.params(), stream);
        else if (net instanceof SimpleConvNet conv) NumpyFiles.write(conv, stream);
        else throw new IOException(file + ": a .npz holds a TwoLayerNet or a SimpleConvNet; save " + net.describe() + " as a .bin");
    }

    /** Writes the network in the format of its kind. */
    public static void write(Network net, OutputStream stream) throws IOException {
        if (net instanceof TwoLayerNet two) write(two.params(), stream);
        else if (net instanceof MultiLayerNet multi) write(multi, stream);
        else if (net instanceof SimpleConvNet conv) write(conv, stream);
        else throw new IllegalArgumentException("no file format for " + net.describe());
    }

    /** Writes a TwoLayerNet's parameters. */
    public static void write(Parameters p, OutputStream stream) throws IOException {
        Writer w = new Writer(stream, TWO_LAYER_NET);
        w.out.writeInt(4);
        for (int k = 0; k < 4; k++) w.matrix(TWO_LAYER_NAMES.get(k), p.get(k));
        w.finish();
    }

    /** Writes a MultiLayerNet: its config, its parameters and its BatchNormalization statistics. */
    public static void write(MultiLayerNet net, OutputStream stream) throws IOException {
        Writer w = new Writer(stream, MULTI_LAYER_NET);
        DataOutputStream out = w.out;
        NetConfig config = net.config();
        out.writeInt(config.inputSize());
        out.writeInt(config.hidden().length);
        for (int h : config.hidden()) out.writeInt(h);
        out.writeInt(config.outputSize());
        out.writeUTF(config.activation().name());
        out.writeUTF(config.init().toString());
        out.writeBoolean(config.batchNorm());
        out.writeDouble(config.dropout());
        out.writeDouble(config.weightDecay());
        for (Param p : net.params()) w.matrix(p.name(), p.value());
        for (BatchNormalization bn : net.batchNorms()) {
            w.matrix(bn.name() + ".mean", bn.runningMean());
            w.matrix(bn.name() + ".var", bn.runningVar());
        }
        w.finish();
    }

    /** Writes a SimpleConvNet: its config (7 ints: C, H, W, filters, filter size, hidden, classes), then W1 … b3. */
    public static void write(SimpleConvNet net, OutputStream stream) throws IOException {
        Writer w = new Writer(stream, SIMPLE_CONV_NET);
        SimpleConvNet.Config c = net.config();
        for (int v : new int[] {c.channels(), c.height(), c.width(), c.filters(), c.filterSize(), c.hidden(), c.classes()}) w.out.writeInt(v);
        for (Param p : net.trainableParams()) w.matrix(p.name(), p.value());
        w.finish();
    }

    private static SimpleConvNet readSimpleConvNet(String source, Body body) throws IOException {
        DataInputStream in = body.in;
        try {
            int[] v = new int[7];
            for (int i = 0; i < v.length; i++) v[i] = in.readInt();
            SimpleConvNet.Config config;
            try {
                config = new SimpleConvNet.Config(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
            } catch (IllegalArgumentException e) {
                throw new IOException(source + ": bad network configuration: " + e.getMessage(), e);
            }
            long doubles = (long) v[3] * v[0] * v[4] * v[4] + v[3] + (long) v[3] * ((v[1] - v[4] + 1) / 2) * ((v[2] - v[4] + 1) / 2) * v[5]
                    + v[5] + (long) v[5] * v[6] + v[6];
            if (8 * doubles > body.bytes.available()) {
                throw new IOException(source + ": the configuration " + config + " needs " + 8 * doubles + " bytes of parameters, but the file"
                        + " holds " + body.bytes.available() + " more bytes");
            }
            SimpleConvNet net = new SimpleConvNet(config, 0.0, new Random(0));
            for (Param p : net.trainableParams()) readMatrixInto(source, body, p.name(), p.value());
            if (body.bytes.available() > 0) throw new IOException(source + ": " + body.bytes.available() + " trailing bytes after the parameters");
            return net;
        } catch (java.io.EOFException | java.io.UTFDataFormatException e) {
            throw new IOException(source + ": truncated parameter file", e);
        }
    }

    /**
     * Reads a TwoLayerNet's parameters.
     *
     * @throws IOException naming {@code source} and what is wrong: magic, version, checksum, kind, names, shapes,
     *                     truncation, non-finite values
     */
    public static Parameters readTwoLayerNet(String source, InputStream stream) throws IOException {
        return readTwoLayerNet(source, body(source, stream.readAllBytes()));
    }

    /** Reads a MultiLayerNet file whole. */
    public static MultiLayerNet readMultiLayerNet(String source, InputStream stream) throws IOException {
        return readMultiLayerNet(source, body(source, stream.readAllBytes()));
    }

    private static Parameters readTwoLayerNet(String source, Body body) throws IOException {
        if (!TWO_LAYER_NET.equals(body.kind)) throw new IOException(source + ": holds a " + body.kind + ", not a " + TWO_LAYER_NET);
        DataInputStream in = body.in;
        try {
            int count = in.readInt();
            if (count != 4) throw new IOException(source + ": expected 4 parameters, found " + count);
            DMatrixRMaj[] ms = new DMatrixRMaj[4];
            for (int k = 0; k < 4; k++) ms[k] = readMatrix(source, body, TWO_LAYER_NAMES.get(k));
            if (body.bytes.available() > 0) throw new IOException(source + ": " + body.bytes.available() + " trailing bytes after the parameters");
            return new Parameters(ms[0], ms[1], ms[2], ms[3]);
        } catch (java.io.EOFException | java.io.UTFDataFormatException e) {
            throw new IOException(source + ": truncated parameter file", e);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    private static MultiLayerNet readMultiLayerNet(String source, Body body) throws IOException {
        if (!MULTI_LAYER_NET.equals(body.kind)) throw new IOException(source + ": holds a " + body.kind + ", not a " + MULTI_LAYER_NET);
        DataInputStream in = body.in;
        try {
            int input = in.readInt();
            int count = in.readInt();
            // each hidden size takes 4 bytes: a count the file cannot hold is refused before anything is allocated
            if (count <= 0 || count > body.bytes.available() / 4) {
                throw new IOException(source + ": impossible hidden layer count " + count + " for a body of "
                        + body.bytes.available() + " more bytes");
            }
            int[] hidden = new int[count];
            for (int i = 0; i < count; i++) hidden[i] = in.readInt();
            int output = in.readInt();
            NetConfig config;
            try {
                config = new NetConfig(input, hidden, output, NetConfig.Activation.valueOf(in.readUTF()), WeightInit.parse(in.readUTF()),
                        in.readBoolean(), in.readDouble(), in.readDouble());
            } catch (IllegalArgumentException e) {
                throw new IOException(source + ": bad network configuration: " + e.getMessage(), e);
            }
            long claimed = 8 * doublesOf(config);
            if (claimed > body.bytes.available()) {
                throw new IOException(source + ": the configuration " + config + " needs " + claimed + " bytes of parameters,"
                        + " but the file holds " + body.bytes.available() + " more bytes");
            }
            MultiLayerNet net = new MultiLayerNet(config, new Random(0));
            for (Param p : net.params()) readMatrixInto(source, body, p.name(), p.value());
            for (BatchNormalization bn : net.batchNorms()) {
                readMatrixInto(source, body, bn.name() + ".mean", bn.runningMean());
                readMatrixInto(source, body, bn.name() + ".var", bn.runningVar());
            }
            if (body.bytes.available() > 0) throw new IOException(source + ": " + body.bytes.available() + " trailing bytes after the parameters");
            return net;
        } catch (java.io.EOFException | java.io.UTFDataFormatException e) {
            throw new IOException(source + ": truncated parameter file", e);
        }
    }

    /** The doubles a network of this configuration stores: its weights, biases, and BatchNormalization's four vectors. */
    private static long doublesOf(NetConfig config) {
        int[] hidden = config.hidden();
        long total = 0;
        long previous = config.inputSize();
        for (int i = 0; i <= hidden.length; i++) {
            long next = i < hidden.length ? hidden[i] : config.outputSize();
            total += previous * next + next;
            if (i < hidden.length && config.batchNorm()) total += 4 * next;
            previous = next;
        }
        return total;
    }

    /** A header, a body and its CRC32C: every byte written through {@link #out} counts towards the checksum. */
    private static final class Writer {
        final java.io.BufferedOutputStream raw;
        final java.util.zip.CheckedOutputStream checked;
        final DataOutputStream out;

        Writer(OutputStream stream, String kind) throws IOException {
            raw = new java.io.BufferedOutputStream(stream, 1 << 16);
            checked = new java.util.zip.CheckedOutputStream(raw, new java.util.zip.CRC32C());
            out = new DataOutputStream(checked);
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(kind);
        }

        void matrix(String name, DMatrixRMaj m) throws IOException {
            out.writeUTF(name);
            out.writeInt(m.numRows);
            out.writeInt(m.numCols);
            for (int i = 0; i < m.getNumElements(); i++) out.writeDouble(m.data[i]);
        }

        void finish() throws IOException {
            out.flush();
            int crc = (int) checked.getChecksum().getValue();
            new DataOutputStream(raw).writeInt(crc);
            raw.flush();
        }
    }

    /** A matrix whose name must be {@code name}; its shape comes from the file and must fit the bytes left. */
    private static DMatrixRMaj readMatrix(String source, Body body, String name) throws IOException {
        DataInputStream in = body.in;
        String found = in.readUTF();
        if (!name.equals(found)) throw new IOException(source + ": expected parameter " + name + ", found " + found);
        int rows = in.readInt();
        int cols = in.readInt();
        long claimed = 8L * rows * cols;
        if (rows <= 0 || cols <= 0 || claimed > body.bytes.available()) {
            throw new IOException(source + ": parameter " + name + " claims a shape of " + rows + "x" + cols + " ("
                    + Math.max(0, claimed) + " bytes), but the file holds " + body.bytes.available() + " more bytes");
        }
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < rows * cols; i++) m.data[i] = in.readDouble();
        requireFinite(source, name, m);
        return m;
    }

    /** A matrix into {@code target}, whose shape it must have. */
    private static void readMatrixInto(String source, Body body, String name, DMatrixRMaj target) throws IOException {
        DataInputStream in = body.in;
        String found = in.readUTF();
        if (!name.equals(found)) throw new IOException(source + ": expected parameter " + name + ", found " + found);
        int rows = in.readInt();
        int cols = in.readInt();
        if (rows != target.numRows || cols != target.numCols) {
            throw new IOException(source + ": parameter " + name + " is " + rows + "x" + cols + ", the network needs "
                    + target.numRows + "x" + target.numCols);
        }
        for (int i = 0; i < rows * cols; i++) target.data[i] = in.readDouble();
        requireFinite(source, name, target);
    }

    private static void requireFinite(String source, String name, DMatrixRMaj m) throws IOException {
        for (int i = 0, n = m.getNumElements(); i < n; i++) {
            if (!Double.isFinite(m.data[i])) {
                throw new IOException(source + ": parameter " + name + " holds " + m.data[i] + " at (" + i / m.numCols + ", "
                        + i % m.numCols + "); a network with non-finite weights cannot be used");
            }
        }
    }
}
