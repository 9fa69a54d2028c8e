package io.github.tapegrad.engine;

import io.github.tapegrad.engine.tensor.Tolerance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.autodiff.Functions;
import io.github.tapegrad.engine.autodiff.Gradients;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.check.GradCheck;
import io.github.tapegrad.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's quick start, compiled and run; a second test keeps the README's copy identical to this one. */
class QuickStartTest {

    @Test
    void quickStartRuns() {
        // README:start
        Tape tape = new Tape();
        Var x = tape.variable("x", Tensor.matrix(new double[][] {{1, 2}, {3, 4}}));
        Var w = tape.variable("w", Tensor.vector(0.5, -1));
        Var loss = Functions.sigmoid(x.mul(w)).sum();       // w broadcasts over the rows of x
        Gradients grads = tape.gradients(loss, x, w);
        System.out.println(grads.get(w));                   // ∂loss/∂w, shape (2)
        System.out.println(GradCheck.check("sigmoid(x*w)",   // compare with central differences
                v -> Functions.sigmoid(v[0].mul(v[1])).sum(), x.value(), w.value()));
        // README:end
        double[] expected = new double[2];
        double[][] xs = {{1, 2}, {3, 4}};
        double[] ws = {0.5, -1};
        for (double[] row : xs) {
            for (int j = 0; j < 2; j++) {
                double s = 1 / (1 + Math.exp(-row[j] * ws[j]));
                expected[j] += s * (1 - s) * row[j];
            }
        }
        assertTrue(grads.get(w).allClose(Tensor.vector(expected), new Tolerance(0, 1e-12)), grads.get(w).toString());
    }

    @Test
    void readmeShowsExactlyThisCode() throws IOException {
        Path source = Path.of("src/test/java/io/github/tapegrad/engine/QuickStartTest.java");
        String code = Files.readString(source);
        String snippet = code.substring(code.indexOf("// README:start") + "// README:start".length(), code.indexOf("// README:end"));
        String dedented = snippet.lines().filter(l -> !l.isBlank()).map(l -> l.length() >= 8 ? l.substring(8) : l.strip())
                .collect(Collectors.joining("\n"));
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(readme.contains(dedented), "README.md must contain the quick start exactly as tested:\n" + dedented);
        assertEquals(1, readme.split(java.util.regex.Pattern.quote(dedented), -1).length - 1);
    }
}
