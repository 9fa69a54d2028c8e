package io.github.tapegrad.samples.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed write leaves the old file as it was and no partial file behind. */
class AtomicFilesTest {

    private static long filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void aWriteThatFailsHalfwayLeavesTheOldFileIntact(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("net.bin");
        Files.writeString(target, "the good model");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw new IOException("No space left on device");
        }));
        assertTrue(e.getMessage().startsWith(target + ": writing failed, the file is unchanged (No space left on device"), e.getMessage());
        assertEquals("the good model", Files.readString(target));
        assertEquals(1, filesIn(dir), "no temporary file is left");
        AtomicFiles.write(target, out -> out.write("the new model".getBytes(StandardCharsets.UTF_8)));
        assertEquals("the new model", Files.readString(target));
        assertEquals(1, filesIn(dir));
    }

    @Test
    void unwritableTargetsAreNamedBeforeAnyWork(@TempDir Path dir) throws IOException {
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.checkWritable("--save", dir.resolve("missing/net.bin")));
        assertEquals("--save " + dir.resolve("missing/net.bin") + ": the folder " + dir.resolve("missing") + " does not exist", e.getMessage());
        e = assertThrows(IOException.class, () -> AtomicFiles.checkWritable("--plot", dir));
        assertTrue(e.getMessage().endsWith(": is a folder, not a file"), e.getMessage());
        AtomicFiles.checkWritable("--save", dir.resolve("ok.bin"));
        assertEquals(0, filesIn(dir), "the check leaves nothing behind");
        e = assertThrows(IOException.class, () -> AtomicFiles.checkWritable("--plot", Path.of("/dev/full")));
        assertTrue(e.getMessage().startsWith("--plot /dev/full: is not a regular file"), e.getMessage());
        // NOTE: a link stands for the special files (devices, pipes) that a move would replace; no device is touched
        Path link = Files.createSymbolicLink(dir.resolve("link.png"), dir.resolve("elsewhere.png"));
        e = assertThrows(IOException.class, () -> AtomicFiles.write(link, out -> out.write(1)));
        assertTrue(e.getMessage().endsWith(": is not a regular file (a device, a pipe or a link); name a new or regular file"), e.getMessage());
        assertTrue(Files.isSymbolicLink(link), "the link is untouched");
    }
}
