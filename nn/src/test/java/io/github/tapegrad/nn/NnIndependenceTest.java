package io.github.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The hand-written layers must not use the tape: otherwise the three-way check compares the tape with itself. */
class NnIndependenceTest {

    @Test
    void handWrittenLayersDoNotImportTheTape() throws IOException {
        Path dir = Path.of("src/main/java/io/github/tapegrad/nn");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
        }
        assertTrue(files.size() >= 8, "found the layer sources: " + files);
        for (Path f : files) {
            String src = Files.readString(f);
            assertTrue(!src.contains("io.github.tapegrad.engine.autodiff") && !src.contains("io.github.tapegrad.engine.check")
                            && !src.contains("io.github.tapegrad.nn.tape"),
                    f + " uses the tape or its checks");
        }
        assertEquals(0, files.stream().filter(f -> f.getFileName().toString().equals("Tape.java")).count());
    }
}
