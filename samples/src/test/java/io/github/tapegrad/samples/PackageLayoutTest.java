package io.github.tapegrad.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The samples' packages depend on each other in one direction only: data ← models ← training, models ← io, and the
 * command line on top. Read from the sources, so a new import that closes a circle fails here by name.
 */
class PackageLayoutTest {
    private static final Path SOURCES = Path.of("src/main/java/io/github/tapegrad/samples");
    private static final Pattern REFERENCE = Pattern.compile("io\\.github\\.tapegrad\\.samples\\.([a-z]+)\\.");

    /** Which packages each package may use (besides itself). */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "data", Set.of(),
            "models", Set.of("data"),
            "training", Set.of("data", "models"),
            "io", Set.of("models"),
            "plot", Set.of("training"),
            "graph", Set.of(),
            "apple", Set.of(),
            "cli", Set.of("apple", "data", "graph", "io", "models", "plot", "training"));

    @Test
    void packagesUseOnlyThePackagesBelowThem() throws IOException {
        Map<String, Set<String>> found = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(f -> f.toString().endsWith(".java") && !f.getParent().equals(SOURCES)).forEach(f -> {
                String pkg = SOURCES.relativize(f.getParent()).toString();
                Set<String> uses = found.computeIfAbsent(pkg, k -> new TreeSet<>());
                try {
                    Matcher m = REFERENCE.matcher(Files.readString(f));
                    while (m.find()) if (!m.group(1).equals(pkg)) uses.add(m.group(1));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        assertEquals(new TreeSet<>(ALLOWED.keySet()), found.keySet(), "every package has its place in the layout");
        for (Map.Entry<String, Set<String>> e : found.entrySet()) {
            Set<String> extra = new TreeSet<>(e.getValue());
            extra.removeAll(ALLOWED.get(e.getKey()));
            assertEquals(Set.of(), extra, "package " + e.getKey() + " uses packages it must not (a circle or a shortcut)");
        }
    }
}
