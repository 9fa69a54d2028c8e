package io.github.tapegrad.samples.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The decompressed bytes of a gzip file (RFC 1952), member after member, inflated on demand so that a reader can stop
 * as soon as what it has read contradicts what it expects. Unlike {@link java.util.zip.GZIPInputStream}, bytes after
 * the last member that do not start another member are an error, as trailing bytes are in a raw file; each member's
 * CRC-32 and length are checked.
 */
final class GzipInput extends InputStream {
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final String name;
    private final byte[] data;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] one = new byte[1];
    private long memberBytes;
    private boolean done;

    GzipInput(String name, byte[] data) throws IdxFormatException {
        this.name = name;
        this.data = data;
        startMember(0);
    }

    /** Parses the member header at {@code at} and points the inflater at its data. */
    private void startMember(int at) throws IdxFormatException {
        int p = at;
        if (data.length - p < 10 || (data[p] & 0xFF) != 0x1f || (data[p + 1] & 0xFF) != 0x8b) {
            throw new IdxFormatException(name + ": corrupt gzip data: no gzip header at byte " + at);
        }
        if (data[p + 2] != 8) throw new IdxFormatException(name + ": corrupt gzip data: compression method " + data[p + 2] + " is not deflate");
        int flags = data[p + 3] & 0xFF;
        p += 10;
        if ((flags & FEXTRA) != 0) {
            if (data.length - p < 2) throw truncated();
            p += 2 + ((data[p] & 0xFF) | (data[p + 1] & 0xFF) << 8);
        }
        if ((flags & FNAME) != 0) p = afterZero(p);
        if ((flags & FCOMMENT) != 0) p = afterZero(p);
        if ((flags & FHCRC) != 0) p += 2;
        if (p > data.length) throw truncated();
        memberBytes = 0;
        crc.reset();
        inflater.reset();
        inflater.setInput(data, p, data.length - p);
    }

    private int afterZero(int p) throws IdxFormatException {
        while (p < data.length && data[p] != 0) p++;
        if (p >= data.length) throw truncated();
        return p + 1;
    }

    private IdxFormatException truncated() {
        return new IdxFormatException(name + ": corrupt or truncated gzip data (the file ends inside a gzip header)");
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        while (!done) {
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw new IdxFormatException(name + ": corrupt gzip data: " + e.getMessage(), e);
            }
            if (n > 0) {
                crc.update(b, off, n);
                memberBytes += n;
                return n;
            }
            if (inflater.finished()) {
                endMember();
            } else if (inflater.needsInput()) {
                throw new IdxFormatException(name + ": corrupt or truncated gzip data: the compressed data ends early");
            } else if (inflater.needsDictionary()) {
                throw new IdxFormatException(name + ": corrupt gzip data: a preset dictionary is required");
            }
        }
        return -1;
    }

    /** Checks the member's trailer, then starts the next member or ends; other bytes after it are an error. */
    private void endMember() throws IdxFormatException {
        int trailer = data.length - inflater.getRemaining();
        if (data.length - trailer < 8) throw new IdxFormatException(name + ": truncated gzip data: the member's trailer is missing");
        long storedCrc = le32(trailer);
        long storedSize = le32(trailer + 4);
        if (storedCrc != crc.getValue()) {
            throw new IdxFormatException(String.format("%s: corrupt gzip data: CRC-32 0x%08x, but the data gives 0x%08x", name, storedCrc, crc.getValue()));
        }
        if (storedSize != (memberBytes & 0xFFFFFFFFL)) {
            throw new IdxFormatException(name + ": corrupt gzip data: the trailer says " + storedSize + " bytes, the data holds " + memberBytes);
        }
        int next = trailer + 8;
        if (next == data.length) {
            done = true;
            inflater.end();
            return;
        }
        if (data.length - next >= 2 && (data[next] & 0xFF) == 0x1f && (data[next + 1] & 0xFF) == 0x8b) {
            startMember(next);
            return;
        }
        throw new IdxFormatException(name + ": " + (data.length - next) + " trailing byte(s) after the end of the gzip data");
    }

    private long le32(int p) {
        return (data[p] & 0xFFL) | (data[p + 1] & 0xFFL) << 8 | (data[p + 2] & 0xFFL) << 16 | (data[p + 3] & 0xFFL) << 24;
    }

    @Override
    public void close() {
        inflater.end();
    }
}
