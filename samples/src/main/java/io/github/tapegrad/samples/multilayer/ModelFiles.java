package io.github.tapegrad.samples.multilayer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;

/** The shared pieces of tapegrad's parameter files: header and matrices (see {@link MultiLayerNet#write}). */
public final class ModelFiles {
    private static final byte[] MAGIC = "TAPEGRAD".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    /** The kind of a {@link MultiLayerNet} file; TwoLayerNet files say {@code TwoLayerNet}. */
    public static final String MULTI_LAYER_NET = "MultiLayerNet";

    private ModelFiles() {}

    /** Writes the 8 bytes {@code TAPEGRAD}, the version and the kind. */
    public static void writeHeader(DataOutputStream out, String kind) throws IOException {
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(kind);
    }

    /**
     * Reads the header of a parameter file and returns its kind ({@code TwoLayerNet} or {@code MultiLayerNet}),
     * leaving the stream after it.
     */
    public static String readKind(String source, DataInputStream in) throws IOException {
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

    /** Reads a MultiLayerNet file whole. */
    public static MultiLayerNet readMultiLayerNet(String source, InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(stream));
        String kind = readKind(source, in);
        if (!MULTI_LAYER_NET.equals(kind)) throw new IOException(source + ": holds a " + kind + ", not a " + MULTI_LAYER_NET);
        try {
            MultiLayerNet net = MultiLayerNet.readBody(source, in);
            if (in.read() >= 0) throw new IOException(source + ": trailing bytes after the parameters");
            return net;
        } catch (java.io.EOFException e) {
            throw new IOException(source + ": truncated parameter file", e);
        }
    }

    /** Writes UTF name, int rows, int cols and the values in row-major order. */
    public static void writeMatrix(DataOutputStream out, String name, DMatrixRMaj m) throws IOException {
        out.writeUTF(name);
        out.writeInt(m.numRows);
        out.writeInt(m.numCols);
        for (int i = 0; i < m.getNumElements(); i++) out.writeDouble(m.data[i]);
    }

    /** Reads a matrix written by {@link #writeMatrix} whose name must be {@code name}; its shape comes from the file. */
    public static DMatrixRMaj readMatrix(String source, DataInputStream in, String name) throws IOException {
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

    /** Reads a matrix written by {@link #writeMatrix} into {@code target}, whose shape it must have. */
    static void readMatrixInto(String source, DataInputStream in, String name, DMatrixRMaj target) throws IOException {
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
