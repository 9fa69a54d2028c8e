package io.github.tapegrad.samples;

import io.github.tapegrad.samples.io.ModelFiles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.samples.data.MnistSource;
import io.github.tapegrad.samples.models.Parameters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded training run gives the same bits at every vector width: the book's TwoLayerNet, 300 iterations on the
 * bundled subset, each engine, in child JVMs with 2-, 4- and 8-lane vectors ({@code -XX:MaxVectorSize=16/32/64}; a
 * width the CPU lacks is clamped by the JVM and noted).
 *
 * <p>Why the bits can agree: every matrix-product entry is one chain of fused multiply-adds in a fixed order whatever
 * the lane count, block shape or thread (see {@code VectorGemm} and {@code SparseRowKernel}), and everything else in a
 * step is scalar Java or element-wise, where the JIT's vectorisation does not reorder floating-point sums.
 *
 * <p>Without the {@code jdk.incubator.vector} module the products run on EJML, which rounds each multiply and each add
 * separately and blocks its sums differently, so the bits differ; that run is held to the parameters of the vector runs
 * within {@link #EJML_RELATIVE}.
 */
class SeededRunWidthTest {
    /**
     * EJML vs the vector kernels after 300 SGD steps: |Δ| ≤ 1e-12·max(1, |w|) per parameter. One product differs by a
     * few ulps (≈ 1e-16 relative); 300 SGD steps at learning rate 0.1 carry such differences forward without amplifying
     * them much (measured on this run: at most 3.9e-16 relative for the hand and fused engines, 5.6e-16 for the
     * composite one), so 1e-12 leaves a margin of over 1000× while a wrong product would be off by far more.
     */
    static final double EJML_RELATIVE = 1e-12;

    private static final String[] ENGINES = {"hand", "tape-fused", "tape-composite"};

    @Test
    void aSeededRunGivesTheSameBitsAtEveryVectorWidth(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        for (String f : new String[] {MnistSource.TRAIN_IMAGES, MnistSource.TRAIN_LABELS, MnistSource.TEST_IMAGES,
                MnistSource.TEST_LABELS}) {
            try (InputStream in = SeededRunWidthTest.class.getResourceAsStream("/io/github/tapegrad/samples/data/" + f + ".gz")) {
                assertTrue(in != null, "bundled " + f + ".gz");
                Files.copy(in, data.resolve(f + ".gz"));
            }
        }
        for (String engine : ENGINES) {
            Map<Integer, byte[]> byLanes = new LinkedHashMap<>();
            for (int bytes : new int[] {16, 32, 64}) {
                Path out = dir.resolve(engine + "-" + bytes + ".bin");
                String log = train(data, out, engine, "--add-modules", "jdk.incubator.vector", "-XX:MaxVectorSize=" + bytes);
                Matcher m = Pattern.compile("Vector API kernel, (\\d+) doubles per vector").matcher(log);
                assertTrue(m.find(), "the run reports its vector kernel:\n" + log);
                int lanes = Integer.parseInt(m.group(1));
                if (lanes < bytes / 8) System.out.println(engine + ": MaxVectorSize=" + bytes + " clamped to " + lanes + " lanes");
                byLanes.put(lanes, Files.readAllBytes(out));
            }
            byte[] reference = byLanes.values().iterator().next();
            byLanes.forEach((lanes, bits) -> assertArrayEquals(reference, bits,
                    () -> engine + ": the parameters after " + lanes + "-lane training differ from the first width's"));
            System.out.println(engine + ": same parameter bits with " + byLanes.keySet() + " lanes");

            Path ejmlOut = dir.resolve(engine + "-ejml.bin");
            String log = train(data, ejmlOut, engine);
            assertTrue(log.contains("EJML kernels"), "without the module the run says it uses EJML:\n" + log);
            Parameters vector = read(dir.resolve(engine + "-64.bin"));
            Parameters ejml = read(ejmlOut);
            double worst = 0;
            for (int k = 0; k < 4; k++) {
                double[] v = vector.get(k).data;
                double[] e = ejml.get(k).data;
                assertEquals(v.length, e.length);
                for (int i = 0; i < v.length; i++) {
                    double rel = Math.abs(v[i] - e[i]) / Math.max(1, Math.max(Math.abs(v[i]), Math.abs(e[i])));
                    worst = Math.max(worst, rel);
                    int at = i;
                    String name = Parameters.names().get(k);
                    assertTrue(rel <= EJML_RELATIVE, () -> String.format("%s: %s[%d] after EJML training %.17g, vector %.17g",
                            engine, name, at, e[at], v[at]));
                }
            }
            System.out.printf(java.util.Locale.ROOT, "%s: EJML run within %.2e (relative) of the vector runs%n", engine, worst);
        }
    }

    private static Parameters read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return ModelFiles.readTwoLayerNet(file.toString(), in);
        }
    }

    /** Runs {@code train} in a child JVM with the given JVM flags; returns its output, failing on a non-zero exit. */
    private static String train(Path data, Path out, String engine, String... jvmFlags) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "--data", data.toString(),
                "--iterations", "300", "--seed", "0", "--engine", engine, "--quiet", "--save", out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "train did not finish: " + cmd);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + "\n" + log);
        return log;
    }
}
