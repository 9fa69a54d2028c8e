package io.github.tapegrad.engine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.quicktheories.core.Guidance;
import org.quicktheories.impl.Precursor;

/**
 * Fails a test whose properties ran fewer examples than they were configured for, and logs how many ran.
 *
 * <p>Every property starts with {@link TensorGens#qt(int)}, which registers a {@link Run} on the calling thread and
 * counts the examples QuickTheories executes. After each test this extension compares the count with the configured
 * number (after {@code -Dtapegrad.examples.scale}): a run that stopped early (QuickTheories' {@code QT_TESTING_TIME},
 * exhausted generators) or never ran fails the test, so a property cannot quietly check less than it claims.
 *
 * <p>With {@code -Dtapegrad.examples.log=FILE} (set by the build) it appends one line per test,
 * {@code class<TAB>test<TAB>properties<TAB>examples} (the file is started afresh in each test JVM), which {@code scripts/CheckTestReports.java} adds up.
 *
 * <p>Registered for every test class by JUnit's extension auto-detection (the build turns it on).
 */
public final class PropertyBudget implements BeforeEachCallback, AfterEachCallback {

    /** One property run: how many examples it was configured for, and how many QuickTheories executed. */
    static final class Run {
        final int configured;
        int executed;

        Run(int configured) {
            this.configured = configured;
        }
    }

    private static final ThreadLocal<List<Run>> RUNS = ThreadLocal.withInitial(ArrayList::new);

    static {
        // one test JVM per Surefire run: a log left by an earlier build is started afresh
        String file = System.getProperty("tapegrad.examples.log");
        if (file != null && !file.isEmpty()) {
            try {
                Files.deleteIfExists(Path.of(file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reset the examples log " + file, e);
            }
        }
    }

    /** Registers a run of {@code examples} examples on this thread; the guidance it returns counts them. */
    static Guidance register(int examples) {
        Run run = new Run(examples);
        RUNS.get().add(run);
        return new Guidance() {
            @Override public void newExample(Precursor newExample) {}
            @Override public void exampleExecuted() { run.executed++; }
            @Override public Collection<long[]> suggestValues(int i, Precursor t) { return List.of(); }
            @Override public void exampleComplete() {}
        };
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        RUNS.get().clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<Run> runs = new ArrayList<>(RUNS.get());
        RUNS.get().clear();
        long examples = 0;
        for (Run r : runs) examples += r.executed;
        log(context, runs.size(), examples);
        // a test that already failed stopped its property early: that failure is the one to report
        if (context.getExecutionException().isPresent()) return;
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            if (r.executed < r.configured) {
                throw new AssertionError(String.format("%s: property %d of %d ran %d of its %d configured examples"
                                + " (scale %s); a property must check all it is configured for", context.getDisplayName(), i + 1,
                        runs.size(), r.executed, r.configured, TensorGens.SCALE));
            }
        }
    }

    private static void log(ExtensionContext context, int properties, long examples) {
        String file = System.getProperty("tapegrad.examples.log");
        if (file == null || file.isEmpty() || properties == 0) return;
        String line = context.getRequiredTestClass().getName() + "\t" + context.getDisplayName() + "\t" + properties + "\t"
                + examples + "\n";
        try {
            Path path = Path.of(file);
            if (path.getParent() != null) Files.createDirectories(path.getParent());
            Files.writeString(path, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the examples log " + file, e);
        }
    }
}
