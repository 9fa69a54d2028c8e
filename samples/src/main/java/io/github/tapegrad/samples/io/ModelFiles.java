package io.github.tapegrad.samples.io;

import io.github.tapegrad.nn.BatchNormalization;
import io.github.tapegrad.nn.optim.Param;
import io.github.tapegrad.samples.models.MultiLayerNet;
import io.github.tapegrad.samples.models.NetConfig;
import io.github.tapegrad.samples.models.Network;
import io.github.tapegrad.samples.models.Parameters;
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
 * tapegrad's parameter files, for both networks. Version 1, all numbers big-endian as {@link DataOutputStream} writes
 * them: the 8 ASCII bytes {@code TAPEGRAD}, int version = 1, UTF network kind, then the body.
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
    private static final int VERSION = 1;
    static final String TWO_LAYER_NET = "TwoLayerNet";
    static final String MULTI_LAYER_NET = "MultiLayerNet";
    private static final List<String> TWO_LAYER_NAMES = List.of("W1", "b1", "W2", "b2");

    private ModelFiles() {}

    /** Reads a parameter file written by {@link #write}, whichever network it holds. */
    public static Network read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such parameter file");
        byte[] bytes = Files.readAllBytes(file);
        String kind = readKind(file.toString(), new DataInputStream(new ByteArrayInputStream(bytes)));
        if (MULTI_LAYER_NET.equals(kind)) return readMultiLayerNet(file.toString(), new ByteArrayInputStream(bytes));
        return new TwoLayerNet(readTwoLayerNet(file.toString(), new ByteArrayInputStream(bytes)));
    }

    /** Writes the network in the format of its kind. */
    public static void write(Network net, OutputStream stream) throws IOException {
        if (net instanceof TwoLayerNet two) write(two.params(), stream);
        else if (net instanceof MultiLayerNet multi) write(multi, stream);
        else throw new IllegalArgumentException("no file format for " + net.describe());
    }

    /** Writes a TwoLayerNet's parameters. */
    public static void write(Parameters p, OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        writeHeader(out, TWO_LAYER_NET);
        out.writeInt(4);
        for (int k = 0; k < 4; k++) writeMatrix(out, TWO_LAYER_NAMES.get(k), p.get(k));
        out.flush();
    }

    /**
     * Reads a TwoLayerNet's parameters.
     *
     * @throws IOException naming {@code source} and what is wrong: magic, version, kind, names, shapes, truncation
     */
    public static Parameters readTwoLayerNet(String source, InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(stream));
        try {
            String kind = readKind(source, in);
            if (!TWO_LAYER_NET.equals(kind)) throw new IOException(source + ": holds a " + kind + ", not a " + TWO_LAYER_NET);
            int count = in.readInt();
            if (count != 4) throw new IOException(source + ": expected 4 parameters, found " + count);
            DMatrixRMaj[] ms = new DMatrixRMaj[4];
            for (int k = 0; k < 4; k++) ms[k] = readMatrix(source, in, TWO_LAYER_NAMES.get(k));
            if (in.read() >= 0) throw new IOException(source + ": trailing bytes after the parameters");
            return new Parameters(ms[0], ms[1], ms[2], ms[3]);
        } catch (java.io.EOFException e) {
            throw new IOException(source + ": truncated parameter file", e);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    /** Writes a MultiLayerNet: its config, its parameters and its BatchNormalization statistics. */
    public static void write(MultiLayerNet net, OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        writeHeader(out, MULTI_LAYER_NET);
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
        for (Param p : net.params()) writeMatrix(out, p.name(), p.value());
        for (BatchNormalization bn : net.batchNorms()) {
            writeMatrix(out, bn.name() + ".mean", bn.runningMean());
            writeMatrix(out, bn.name() + ".var", bn.runningVar());
        }
        out.flush();
    }

    /** Reads a MultiLayerNet file whole. */
    public static MultiLayerNet readMultiLayerNet(String source, InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(stream));
        String kind = readKind(source, in);
        if (!MULTI_LAYER_NET.equals(kind)) throw new IOException(source + ": holds a " + kind + ", not a " + MULTI_LAYER_NET);
        try {
            int input = in.readInt();
            int count = in.readInt();
            if (count <= 0 || count > 1000) throw new IOException(source + ": impossible hidden layer count " + count);
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
            MultiLayerNet net = new MultiLayerNet(config, new Random(0));
            for (Param p : net.params()) readMatrixInto(source, in, p.name(), p.value());
            for (BatchNormalization bn : net.batchNorms()) {
                readMatrixInto(source, in, bn.name() + ".mean", bn.runningMean());
                readMatrixInto(source, in, bn.name() + ".var", bn.runningVar());
            }
            if (in.read() >= 0) throw new IOException(source + ": trailing bytes after the parameters");
            return net;
        } catch (java.io.EOFException e) {
            throw new IOException(source + ": truncated parameter file", e);
        }
    }

    private static void writeHeader(DataOutputStream out, String kind) throws IOException {
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(kind);
    }

    /** Reads the header and returns the kind, leaving the stream after it. */
    private static String readKind(String source, DataInputStream in) throws IOException {
        try {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) throw new IOException(source + ": not a tapegrad parameter file (bad magic)");
            int version = in.readInt();
            if (version != VERSION) throw new IOException(source + ": unsupported version " + version + " (this program reads " + VERSION + ")");
            return in.readUTF();
        } catch (java.io.EOFException e) {
            throw new IOException(source + ": truncated parameter file", e);
        }
    }

    private static void writeMatrix(DataOutputStream out, String name, DMatrixRMaj m) throws IOException {
        out.writeUTF(name);
        out.writeInt(m.numRows);
        out.writeInt(m.numCols);
        for (int i = 0; i < m.getNumElements(); i++) out.writeDouble(m.data[i]);
    }

    /** A matrix whose name must be {@code name}; its shape comes from the file. */
    private static DMatrixRMaj readMatrix(String source, DataInputStream in, String name) throws IOException {
        String found = in.readUTF();
        if (!name.equals(found)) throw new IOException(source + ": expected parameter " + name + ", found " + found);
        int rows = in.readInt();
        int cols = in.readInt();
        if (rows <= 0 || cols <= 0 || (long) rows * cols > 50_000_000L) {
            throw new IOException(source + ": parameter " + name + " has an impossible shape " + rows + "x" + cols);
        }
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < rows * cols; i++) m.data[i] = in.readDouble();
        return m;
    }

    /** A matrix into {@code target}, whose shape it must have. */
    private static void readMatrixInto(String source, DataInputStream in, String name, DMatrixRMaj target) throws IOException {
        String found = in.readUTF();
        if (!name.equals(found)) throw new IOException(source + ": expected parameter " + name + ", found " + found);
        int rows = in.readInt();
        int cols = in.readInt();
        if (rows != target.numRows || cols != target.numCols) {
            throw new IOException(source + ": parameter " + name + " is " + rows + "x" + cols + ", the network needs "
                    + target.numRows + "x" + target.numCols);
        }
        for (int i = 0; i < rows * cols; i++) target.data[i] = in.readDouble();
    }
}
