import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The build's guard that every test ran: run by each module's {@code verify} phase (see the parent pom), as
 * {@code java scripts/CheckTestReports.java MODULE_DIR [RUN=CLASS,CLASS ...]}.
 *
 * <p>It fails the build when
 * <ul>
 *   <li>a class under {@code src/test/java} that declares tests has no Surefire report, or a report with no test in it
 *       (a class renamed out of Surefire's includes, or excluded, would otherwise stop running in silence);</li>
 *   <li>an extra Surefire run (the per-vector-width runs) lacks the report of a class it is configured for;</li>
 *   <li>a property starts from QuickTheories' own {@code qt()} instead of {@code TensorGens.qt}, which fixes the seed
 *       and counts the examples (so the run could not be replayed, and a short run would go unnoticed).</li>
 * </ul>
 * It prints, per run, how many test classes reported and how many generated cases the properties ran (from the
 * examples logs that {@code PropertyBudget} writes). With {@code --test=PATTERN} other than empty (Maven's
 * {@code -Dtest}, a deliberate selection) it checks nothing.
 */
public final class CheckTestReports {
    private static final Pattern TEST_ANNOTATION = Pattern.compile("@(Test|TestFactory|ParameterizedTest|RepeatedTest)\\b");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
    private static final Pattern RAW_QT = Pattern.compile("QuickTheory\\.qt\\(|import\\s+static\\s+org\\.quicktheories\\.QuickTheory\\.qt;");
    private static final Pattern SUITE = Pattern.compile("<testsuite\\b([^>]*)>");

    private CheckTestReports() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: java CheckTestReports.java MODULE_DIR [--test=PATTERN] [RUN=CLASS,CLASS ...]");
            System.exit(2);
        }
        Path module = Path.of(args[0]);
        List<String> runs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--test=")) {
                String pattern = args[i].substring("--test=".length());
                // Maven passes the expression itself when -Dtest is not set
                if (!pattern.isBlank() && !pattern.startsWith("${")) {
                    System.out.println("test reports: not checked, -Dtest=" + pattern + " selects the tests");
                    return;
                }
            } else {
                // the extra runs come as one argument, "RUN=CLASS,CLASS RUN=...", possibly empty
                for (String run : args[i].trim().split("\\s+")) if (!run.isEmpty()) runs.add(run);
            }
        }
        List<String> problems = new ArrayList<>();
        Path sources = module.resolve("src/test/java");
        List<String> classes = testClasses(sources, problems);
        Path target = module.resolve("target");
        String name = module.toAbsolutePath().normalize().getFileName().toString();

        int reported = check(target.resolve("surefire-reports"), classes, "default", problems);
        System.out.printf(Locale.ROOT, "test reports (%s, default run): %d of %d test classes reported%s%n", name, reported,
                classes.size(), examples(target.resolve("property-examples/default.tsv")));
        for (String run : runs) {
            int eq = run.indexOf('=');
            if (eq < 1) {
                problems.add("bad run specification '" + run + "': expected RUN=CLASS,CLASS");
                continue;
            }
            String id = run.substring(0, eq);
            List<String> wanted = List.of(run.substring(eq + 1).split(","));
            int n = check(target.resolve("surefire-reports-" + id), wanted, id, problems);
            System.out.printf(Locale.ROOT, "test reports (%s, run %s): %d of %d test classes reported%s%n", name, id, n,
                    wanted.size(), examples(target.resolve("property-examples/" + id + ".tsv")));
        }
        if (!problems.isEmpty()) {
            System.err.println("test reports (" + name + "): " + problems.size() + " problem(s):");
            for (String p : problems) System.err.println("  - " + p);
            System.exit(1);
        }
    }

    /** Fully qualified names of the classes under {@code sources} that declare tests; also checks how properties start. */
    private static List<String> testClasses(Path sources, List<String> problems) throws IOException {
        List<String> classes = new ArrayList<>();
        if (!Files.isDirectory(sources)) return classes;
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String simple = file.getFileName().toString().replace(".java", "");
            if (RAW_QT.matcher(text).find() && !simple.equals("TensorGens")) {
                problems.add(sources.relativize(file) + " starts a property from QuickTheory.qt(): use TensorGens.qt(examples),"
                        + " which fixes the seed and counts the examples");
            }
            if (!TEST_ANNOTATION.matcher(text).find()) continue;
            Matcher pkg = PACKAGE.matcher(text);
            classes.add(pkg.find() ? pkg.group(1) + "." + simple : simple);
        }
        return classes;
    }

    /** Checks that every class has a report with at least one test in {@code reports}; returns how many do. */
    private static int check(Path reports, List<String> classes, String run, List<String> problems) throws IOException {
        int ok = 0;
        for (String cls : classes) {
            Path report = reports.resolve("TEST-" + cls + ".xml");
            if (!Files.isRegularFile(report)) {
                problems.add(cls + " has no Surefire report in " + reports.getFileName() + " (run " + run + "): it did not run."
                        + " Test classes must match Surefire's includes (*Test, Test*, *Tests, *TestCase, *Properties)");
                continue;
            }
            Matcher m = SUITE.matcher(Files.readString(report, StandardCharsets.UTF_8));
            int tests = m.find() ? attribute(m.group(1), "tests") : 0;
            if (tests == 0) {
                problems.add(cls + ": its report in " + reports.getFileName() + " (run " + run + ") counts no test");
                continue;
            }
            ok++;
        }
        return ok;
    }

    private static int attribute(String attributes, String key) {
        Matcher m = Pattern.compile("\\b" + key + "=\"(\\d+)\"").matcher(attributes);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** ", N generated cases in P property runs of C classes" from an examples log, or "" when there is none. */
    private static String examples(Path log) throws IOException {
        if (!Files.isRegularFile(log)) return "";
        long cases = 0;
        long properties = 0;
        TreeMap<String, Long> perClass = new TreeMap<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (f.length != 4) continue;
            properties += Long.parseLong(f[2]);
            long n = Long.parseLong(f[3]);
            cases += n;
            perClass.merge(f[0].substring(f[0].lastIndexOf('.') + 1), n, Long::sum);
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "; %,d generated cases in %d property runs:", cases,
                properties));
        perClass.forEach((c, n) -> sb.append(String.format(Locale.ROOT, " %s %,d", c, n)));
        return sb.toString();
    }
}
