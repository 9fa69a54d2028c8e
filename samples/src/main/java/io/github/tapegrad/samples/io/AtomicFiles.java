package io.github.tapegrad.samples.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Output files that are either the old file or the complete new one, never a partial one: the new content goes to a
 * temporary file in the target's folder, is forced to disk, and is then moved over the target in one step. After any
 * failure the old file is intact and the temporary file is gone.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the content of a file to a stream. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Replaces {@code target} with what {@code content} writes, atomically.
     *
     * @throws IOException naming the target and the cause; the target is then unchanged
     */
    public static void write(Path target, Content content) throws IOException {
        requireRegularOrAbsent(target.toString(), target);
        Path dir = folderOf(target);
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        } catch (IOException e) {
            throw new IOException(target + ": cannot write in " + dir + " (" + describe(e) + ")", e);
        }
        boolean done = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = Channels.newOutputStream(channel)) {
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } catch (IOException e) {
            throw new IOException(target + ": writing failed, the file is unchanged (" + describe(e) + ")", e);
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    /**
     * Checks, before any work, that {@code target} can be written: its folder exists and takes a new file, and the
     * target is not a folder.
     *
     * @param option the option that named the file, for the message (for example {@code --save})
     * @throws IOException naming the option, the file and the reason
     */
    public static void checkWritable(String option, Path target) throws IOException {
        Path dir = folderOf(target);
        if (!Files.isDirectory(dir)) throw new IOException(option + " " + target + ": the folder " + dir + " does not exist");
        requireRegularOrAbsent(option + " " + target, target);
        try {
            Files.delete(Files.createTempFile(dir, "." + target.getFileName(), ".tmp"));
        } catch (IOException e) {
            throw new IOException(option + " " + target + ": cannot write in " + dir + " (" + describe(e) + ")", e);
        }
    }

    /**
     * A target that exists must be a regular file: moving a new file over a folder, a device such as /dev/full, or a
     * pipe would replace that node instead of writing to it.
     */
    private static void requireRegularOrAbsent(String what, Path target) throws IOException {
        if (Files.isDirectory(target)) throw new IOException(what + ": is a folder, not a file");
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(what + ": is not a regular file (a device, a pipe or a link); name a new or regular file");
        }
    }

    private static Path folderOf(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        return parent == null ? Path.of(".").toAbsolutePath() : parent;
    }

    private static String describe(IOException e) {
        String kind = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.NoSuchFileException ? "no such file or folder"
                : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                : e.getMessage();
        return kind == null ? e.getClass().getSimpleName() : kind;
    }
}
