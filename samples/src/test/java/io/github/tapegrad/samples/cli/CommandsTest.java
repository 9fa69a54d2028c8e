package io.github.tapegrad.samples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.samples.Main;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every subcommand run end to end: exit code and key output lines. */
class CommandsTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** The bundled subset copied to a folder, so that tests never depend on what the machine's default folder holds. */
    static Path bundledFolder(Path dir) throws IOException {
        for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte"}) {
            try (InputStream in = Main.class.getResourceAsStream("/io/github/tapegrad/samples/data/" + f + ".gz")) {
                Files.copy(in, dir.resolve(f + ".gz"));
            }
        }
        return dir;
    }

    @Test
    void appleAndAppleOrangePrintTheBooksNumbers() {
        Run a = run("apple");
        assertEquals(0, a.exit(), a.err());
        assertTrue(a.out().matches("(?s).*price\\s+220\\s+220.*dapple\\s+2.2\\s+2.2.*dapple_num\\s+110\\s+110.*dtax\\s+200\\s+200.*"), a.out());
        Run b = run("apple-orange");
        assertEquals(0, b.exit(), b.err());
        assertTrue(b.out().matches("(?s).*price\\s+715\\s+715.*dapple_num\\s+110.*dapple\\s+2.2.*dorange\\s+3.3.*dorange_num\\s+165.*dtax\\s+650\\s+650.*"),
                b.out());
        assertTrue(b.out().contains("layers and tape agree"));
    }

    @Test
    void graphWritesDotAndWellFormedSvg(@TempDir Path dir) throws Exception {
        Run r = run("graph", "--out", dir.toString());
        assertEquals(0, r.exit(), r.err());
        for (String name : new String[] {"apple", "apple-orange"}) {
            String dot = Files.readString(dir.resolve(name + ".dot"));
            assertTrue(dot.startsWith("digraph"), dot);
            DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve(name + ".svg").toFile());
        }
        assertTrue(Files.readString(dir.resolve("apple.dot")).contains("<font color=\"red\">200</font>"));
    }

    @Test
    void gradcheckPassesOnTheFirstThreeImages(@TempDir Path dir) throws IOException {
        Run r = run("gradcheck", "--data", bundledFolder(dir).toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("W1:") && r.out().contains("b2:") && r.out().contains("PASS"), r.out());
    }

    @Test
    void verifyLayersReportsEveryLayer() {
        Run r = run("verify-layers", "--seed", "5");
        assertEquals(0, r.exit(), r.out());
        for (String layer : new String[] {"MulLayer", "AddLayer", "Relu", "Sigmoid", "Affine", "SoftmaxWithLoss",
                "BatchNormalization", "Dropout"}) {
            assertTrue(r.out().contains(layer), layer + " missing:\n" + r.out());
        }
        assertTrue(r.out().contains("all layers PASS"), r.out());
    }

    @Test
    void trainSaveLoadPredictAndPlot(@TempDir Path dir) throws IOException {
        Path data = Files.createDirectory(dir.resolve("data"));
        bundledFolder(data);
        Path params = dir.resolve("net.bin");
        Path plot = dir.resolve("curves.png");
        Run t = run("train", "--data", data.toString(), "--iterations", "300", "--seed", "1", "--save", params.toString(),
                "--plot", plot.toString());
        assertEquals(0, t.exit(), t.out() + t.err());
        assertTrue(t.out().contains("epoch   1  iter      0"), t.out());
        assertTrue(t.out().contains("after the last iteration: train acc"), t.out());
        assertTrue(t.out().contains("ms per iteration"), t.out());
        assertTrue(Files.size(plot) > 1000 && Files.size(params) > 784 * 50 * 8, "plot and parameters written");
        Run again = run("train", "--data", data.toString(), "--iterations", "300", "--seed", "1", "--quiet");
        String last = t.out().lines().filter(l -> l.startsWith("after the last iteration")).findFirst().orElseThrow();
        assertTrue(again.out().contains(last), "a seed makes a run repeatable:\n" + last + "\n" + again.out());
        Run eval = run("train", "--data", data.toString(), "--iterations", "0", "--load", params.toString());
        assertEquals(0, eval.exit(), eval.err());
        assertTrue(eval.out().contains(last.substring(0, last.indexOf("test acc"))), "loading restores the trained network:\n" + eval.out());
        Run p = run("predict", "--load", params.toString(), "--image", "0", "--data", data.toString());
        assertEquals(0, p.exit(), p.err());
        assertTrue(p.out().contains("test image 0: label 7, predicted"), p.out());
        assertTrue(p.out().contains("@"), "text art of the digit:\n" + p.out());
        Run req = run("train", "--data", data.toString(), "--iterations", "0", "--load", params.toString(),
                "--require-test-accuracy", "0.999");
        assertEquals(3, req.exit(), req.out());
    }

    @Test
    void chapterSixNetworkTrainsSavesAndPredicts(@TempDir Path dir) throws IOException {
        Path data = bundledFolder(Files.createDirectory(dir.resolve("data")));
        Path params = dir.resolve("ml.bin");
        Run t = run("train", "--model", "multilayer", "--data", data.toString(), "--iterations", "200", "--hidden", "40,30", "--optimizer", "adam",
                "--batchnorm", "--dropout", "0.1", "--weight-decay", "1e-4", "--init", "he", "--save", params.toString(), "--quiet");
        assertEquals(0, t.exit(), t.out() + t.err());
        assertTrue(t.out().contains("MultiLayerNet(784, [40, 30], 10; relu, init he, batchnorm, dropout 0.1, weight decay 1.0E-4)"), t.out());
        assertTrue(t.out().contains("Adam(lr=0.001"), t.out());
        String last = t.out().lines().filter(l -> l.startsWith("after the last iteration")).findFirst().orElseThrow();
        Run eval = run("train", "--data", data.toString(), "--iterations", "0", "--load", params.toString(), "--quiet");
        assertEquals(0, eval.exit(), eval.err());
        assertTrue(eval.out().contains(last), "the loaded network gives the same accuracies:\n" + last + "\n" + eval.out());
        Run p = run("predict", "--load", params.toString(), "--image", "1", "--data", data.toString());
        assertEquals(0, p.exit(), p.err());
        assertTrue(p.out().contains("test image 1: label 2, predicted"), p.out());
        Run bad = run("train", "--model", "multilayer", "--data", data.toString(), "--hidden", "40,0");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("positive layer sizes"), bad.err());
        Run badOpt = run("train", "--data", data.toString(), "--optimizer", "lbfgs", "--iterations", "1");
        assertEquals(2, badOpt.exit());
        assertTrue(badOpt.err().contains("not an optimizer"), badOpt.err());
        Run tapeMulti = run("train", "--model", "multilayer", "--data", data.toString(), "--hidden", "20,20", "--engine", "tape-fused",
                "--iterations", "1");
        assertEquals(2, tapeMulti.exit());
        assertTrue(tapeMulti.err().contains("--engine applies to --model twolayer only"), tapeMulti.err());
    }

    /** The model is chosen explicitly: an option of the other model is an error, never a silent switch of network. */
    @Test
    void anOptionOfTheOtherModelIsAnError(@TempDir Path dir) throws IOException {
        Path data = bundledFolder(Files.createDirectory(dir.resolve("data")));
        Run init = run("train", "--data", data.toString(), "--init", "0.02", "--iterations", "1");
        assertEquals(2, init.exit(), init.out());
        assertTrue(init.err().contains("--init applies to --model multilayer only") && init.err().contains("--model"), init.err());
        Run bn = run("train", "--model", "twolayer", "--data", data.toString(), "--batchnorm", "--iterations", "1");
        assertEquals(2, bn.exit());
        assertTrue(bn.err().contains("--batchnorm applies to --model multilayer only"), bn.err());
        Run deep = run("train", "--data", data.toString(), "--hidden", "30,30", "--iterations", "1");
        assertEquals(2, deep.exit());
        assertTrue(deep.err().contains("use --model multilayer"), deep.err());
        Run badModel = run("train", "--model", "resnet");
        assertEquals(2, badModel.exit());
        assertTrue(badModel.err().contains("not a model; use twolayer, multilayer or convnet"), badModel.err());
        Path params = dir.resolve("two.bin");
        Run save = run("train", "--data", data.toString(), "--iterations", "5", "--hidden", "12", "--save", params.toString(), "--quiet");
        assertEquals(0, save.exit(), save.err());
        assertTrue(save.out().contains("TwoLayerNet(784, 12, 10)"), save.out());
        Run mismatch = run("train", "--model", "multilayer", "--data", data.toString(), "--load", params.toString(), "--iterations", "0");
        assertEquals(2, mismatch.exit());
        assertTrue(mismatch.err().contains("does not match") && mismatch.err().contains("TwoLayerNet(784, 12, 10)"), mismatch.err());
        Run reshape = run("train", "--data", data.toString(), "--load", params.toString(), "--hidden", "50", "--iterations", "0");
        assertEquals(2, reshape.exit());
        assertTrue(reshape.err().contains("--hidden does not apply with --load"), reshape.err());
        Run adam = run("train", "--data", data.toString(), "--iterations", "3", "--optimizer", "adam", "--quiet");
        assertEquals(0, adam.exit(), adam.err());
        assertTrue(adam.out().contains("TwoLayerNet(784, 50, 10)") && adam.out().contains("Adam(lr=0.001"), adam.out());
    }

    @Test
    void compareOptimizersPrintsATableAndPlots(@TempDir Path dir) throws IOException {
        Path data = bundledFolder(Files.createDirectory(dir.resolve("data")));
        Path plot = dir.resolve("opt.png");
        Run r = run("compare-optimizers", "--data", data.toString(), "--iterations", "60", "--hidden", "30,30",
                "--optimizers", "sgd,adam", "--plot", plot.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("SGD(lr=0.01)") && r.out().contains("Adam(lr=0.001"), r.out());
        assertTrue(Files.size(plot) > 1000);
    }

    @Test
    void benchReportsEveryFigure(@TempDir Path dir) throws IOException {
        Run r = run("bench", "--data", bundledFolder(dir).toString(), "--steps", "20", "--rounds", "1", "--skip-run");
        assertEquals(0, r.exit(), r.out() + r.err());
        for (String key : new String[] {"step_ms_hand=", "step_ms_tape_fused=", "step_ms_tape_fused_fresh=", "step_ms_tape_composite=",
                "alloc_bytes_per_step_hand=", "accuracy_pass_seconds="}) {
            assertTrue(r.out().contains("RESULT " + key), key + " missing:\n" + r.out());
        }
    }

    @Test
    void badInputGivesAClearErrorAndNonZeroExit(@TempDir Path dir) throws IOException {
        Run missing = run("train", "--data", dir.toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("error:") && missing.err().contains("train-images-idx3-ubyte"), missing.err());
        Run badFlag = run("train", "--batch-size", "0", "--data", bundledFolder(Files.createDirectory(dir.resolve("d"))).toString());
        assertEquals(2, badFlag.exit());
        assertTrue(badFlag.err().contains("--batch-size must be positive, got 0"), badFlag.err());
        Run badEngine = run("train", "--engine", "gpu");
        assertEquals(2, badEngine.exit());
        assertTrue(badEngine.err().contains("not an engine"), badEngine.err());
        Run noFile = run("predict", "--load", dir.resolve("nope.bin").toString());
        assertEquals(1, noFile.exit());
        assertTrue(noFile.err().contains("nope.bin"), noFile.err());
    }

    /**
     * The bad inputs of the "bad input" issue, through the command line: each exits non-zero with one line naming the
     * option or file, the value and the rule, before any training starts. The table is printed for the issue note.
     */
    @Test
    void badInputTableGivesClearMessagesBeforeAnyWork(@TempDir Path dir) throws IOException {
        Path data = bundledFolder(Files.createDirectory(dir.resolve("data")));
        String d = data.toString();
        Path nanNet = dir.resolve("nan.bin");
        io.github.tapegrad.samples.models.Parameters p = io.github.tapegrad.samples.models.Parameters.initial(784, 5, 10, 0.01,
                new java.util.Random(1));
        p.W1().data[7] = Double.NaN;
        try (java.io.OutputStream o = Files.newOutputStream(nanNet)) {
            io.github.tapegrad.samples.io.ModelFiles.write(p, o);
        }
        Path five = dir.resolve("five.bin");
        try (java.io.OutputStream o = Files.newOutputStream(five)) {
            io.github.tapegrad.samples.io.ModelFiles.write(io.github.tapegrad.samples.models.Parameters.initial(784, 5, 5, 0.01,
                    new java.util.Random(1)), o);
        }
        Object[][] table = {
                {new String[] {"train", "--data", d, "--iterations", "-5", "--optimizer", "adam"}, 2, "--iterations must be >= 0, got -5"},
                {new String[] {"train", "--data", d, "--batch-size", "0", "--model", "multilayer"}, 2, "--batch-size must be positive, got 0"},
                {new String[] {"train", "--data", d, "--batch-size", "2000000000"}, 2, "--batch-size 2000000000 is larger than the training set (5000 images)"},
                {new String[] {"train", "--data", d, "--learning-rate", "NaN"}, 2, "--learning-rate must be a finite number > 0, got NaN"},
                {new String[] {"train", "--data", d, "--learning-rate", "-1"}, 2, "--learning-rate must be a finite number > 0, got -1.0"},
                {new String[] {"train", "--data", d, "--require-test-accuracy", "2"}, 2, "--require-test-accuracy must be in [0, 1], got 2.0"},
                {new String[] {"train", "--data", d, "--require-test-accuracy", "NaN"}, 2, "--require-test-accuracy must be in [0, 1], got NaN"},
                {new String[] {"train", "--data", d, "--hidden", "100000000"}, 2, "--hidden 100000000: the network's parameters would need"},
                {new String[] {"train", "--data", d, "--iterations", "2147483647"}, 2, "--iterations 2147483647: logging its losses would need"},
                {new String[] {"train", "--data", d, "--save", dir.resolve("no/such/net.bin").toString()}, 1,
                        "error: --save " + dir.resolve("no/such/net.bin") + ": the folder " + dir.resolve("no/such") + " does not exist"},
                {new String[] {"train", "--data", d, "--plot", dir.resolve("x.pdf").toString()}, 2,
                        "--plot " + dir.resolve("x.pdf") + ": a plot is written as PNG or SVG; name the file *.png or *.svg"},
                {new String[] {"train", "--data", d, "--model", "multilayer", "--save", dir.resolve("m.npz").toString()}, 2,
                        "--save " + dir.resolve("m.npz") + ": a .npz holds a TwoLayerNet or a SimpleConvNet; save the multilayer model as a .bin"},
                {new String[] {"train", "--data", d, "--iterations", "5", "--epochs", "2"}, 2,
                        "--iterations and --epochs both set the length of the run; give one"},
                {new String[] {"train", "--data", d, "--plot", "/dev/full/x.png"}, 1, "error: --plot /dev/full/x.png: the folder /dev/full does not exist"},
                {new String[] {"train", "--data", d, "--load", nanNet.toString(), "--iterations", "0"}, 1,
                        "error: " + nanNet + ": parameter W1 holds NaN at (1, 2); a network with non-finite weights cannot be used"},
                {new String[] {"predict", "--data", d, "--load", five.toString()}, 1,
                        "error: " + five + " holds TwoLayerNet(784, 5, 5) with 5 outputs, but test image 0 has label 7"},
                {new String[] {"bench", "--data", d, "--rounds", "0"}, 2, "--rounds must be at least 1, got 0"},
                {new String[] {"bench", "--data", d, "--steps", "0"}, 2, "--steps must be at least 1, got 0"},
                {new String[] {"compare-optimizers", "--data", d, "--optimizers", "sgd,bogus"}, 2,
                        "--optimizers: 'bogus' is not an optimizer; use sgd, momentum, nesterov, adagrad, rmsprop or adam"},
                {new String[] {"train", "--data", dir.resolve("nothing").toString()}, 1, "error: " + dir.resolve("nothing") + ": no such folder"},
        };
        StringBuilder report = new StringBuilder();
        for (Object[] row : table) {
            String[] args = (String[]) row[0];
            Run r = run(args);
            String first = r.err().lines().findFirst().orElse("");
            report.append(String.join(" ", args).replace(dir.toString(), "DIR")).append("  ->  exit ").append(r.exit()).append(": ")
                    .append(first.replace(dir.toString(), "DIR")).append('\n');
            assertEquals((int) row[1], r.exit(), String.join(" ", args) + "\n" + r.out() + r.err());
            assertTrue(first.startsWith((String) row[2]), String.join(" ", args) + ": first line\n" + first);
            assertTrue(!r.out().contains("epoch") && !r.out().contains("done:"), "no training ran: " + r.out());
            assertTrue(!r.err().contains("\tat "), "no stack trace:\n" + r.err());
        }
        System.out.print(report);
    }

    /** All three engines stop at the first non-finite loss with the same message, naming the iteration and the engine. */
    @Test
    void everyEngineStopsAtTheFirstNonFiniteLoss(@TempDir Path dir) throws IOException {
        String d = bundledFolder(Files.createDirectory(dir.resolve("data"))).toString();
        java.util.Set<String> messages = new java.util.TreeSet<>();
        for (String engine : new String[] {"hand", "tape-fused", "tape-composite"}) {
            Run r = run("train", "--data", d, "--engine", engine, "--weight-init-std", "1e300", "--iterations", "5", "--quiet");
            String first = r.err().lines().findFirst().orElse("");
            assertEquals(1, r.exit(), engine + ": " + r.out() + r.err());
            assertTrue(first.startsWith("error: training stopped at iteration 0, before its update: the loss is not finite (engine "
                    + engine + "): Affine"), engine + ": " + first);
            messages.add(first.replace(engine, "ENGINE"));
            assertTrue(!r.err().contains("\tat "), r.err());
        }
        assertEquals(1, messages.size(), "the same message but for the engine's name: " + messages);
        System.out.println(messages.iterator().next());
    }

    /** `help COMMAND` works, and no help text breaks a path or a file name across lines. */
    @Test
    void helpWorksAndNeverBreaksAPath() {
        Run help = run("help", "train");
        assertEquals(0, help.exit(), help.err());
        assertTrue(help.out().startsWith("Usage: tapegrad train"), help.out());
        assertTrue(help.out().contains("~/.cache/tapegrad/mnist"), "the default folder, unbroken:\n" + help.out());
        for (String command : Main.commandLine().getSubcommands().keySet()) {
            String text = Main.commandLine().getSubcommands().get(command).getUsageMessage();
            String[] lines = text.split("\n");
            for (int i = 0; i + 1 < lines.length; i++) {
                String a = lines[i].stripTrailing();
                String b = lines[i + 1].strip();
                boolean cut = a.endsWith("/") || a.endsWith("~") || (a.endsWith(".") && !a.endsWith(" .") && !b.isEmpty()
                        && Character.isLowerCase(b.charAt(0)) && !a.endsWith("e.g.") && !a.endsWith("etc."));
                assertTrue(!cut, command + " help breaks a word across lines " + (i + 1) + "-" + (i + 2) + ":\n" + a + "\n" + b);
            }
        }
    }

    /**
     * A first run on the bundled subset is short (30 epochs) and ends with the overfitting hint; --epochs counts
     * passes; .svg and .png plots and a .npz round trip work.
     */
    @Test
    void theFirstRunTeachesTheRightThing(@TempDir Path dir) throws IOException {
        Path data = bundledFolder(Files.createDirectory(dir.resolve("data")));
        Run epochs = run("train", "--data", data.toString(), "--epochs", "2", "--quiet", "--plot", dir.resolve("c.svg").toString(),
                "--save", dir.resolve("net.npz").toString());
        assertEquals(0, epochs.exit(), epochs.err());
        assertTrue(epochs.out().contains("TwoLayerNet(784, 50, 10): 100 iterations (2 epochs)"), epochs.out());
        String svg = Files.readString(dir.resolve("c.svg"));
        assertTrue(svg.startsWith("<?xml") && svg.contains("<svg") && svg.trim().endsWith("</svg>"), svg.substring(0, 200));
        try {
            javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("c.svg").toFile());
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new AssertionError("the SVG is not well-formed XML: " + e.getMessage(), e);
        }
        Run png = run("compare-optimizers", "--data", data.toString(), "--iterations", "30", "--hidden", "20",
                "--optimizers", "sgd,adam", "--plot", dir.resolve("o.png").toString());
        assertEquals(0, png.exit(), png.err());
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(dir.resolve("o.png")), 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head, "a PNG");
        String last = epochs.out().lines().filter(l -> l.startsWith("after the last iteration")).findFirst().orElseThrow();
        Run back = run("train", "--data", data.toString(), "--load", dir.resolve("net.npz").toString(), "--iterations", "0", "--quiet");
        assertEquals(0, back.exit(), back.err());
        assertTrue(back.out().contains(last), "the .npz gives the same network:\n" + last + "\n" + back.out());
    }

    /** The learning rates the help lists are the ones each optimizer gets; the progress bar shows rate and time left. */
    @Test
    void helpDefaultsAreTheDefaultsUsedAndTheBarShowsRateAndTimeLeft(@TempDir Path dir) throws IOException {
        String d = bundledFolder(Files.createDirectory(dir.resolve("data"))).toString();
        String help = run("help", "train").out().replaceAll("\\s+", " ");
        java.util.Map<String, String> listed = new java.util.LinkedHashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(SGD|Momentum|Nesterov|AdaGrad|RMSprop|Adam) ([0-9.]+)").matcher(help);
        while (m.find()) listed.put(m.group(1), m.group(2));
        assertEquals(6, listed.size(), help);
        for (var e : listed.entrySet()) {
            Run r = run("train", "--model", "multilayer", "--data", d, "--optimizer", e.getKey().toLowerCase(java.util.Locale.ROOT),
                    "--iterations", "0", "--quiet");
            assertTrue(r.out().contains(e.getKey() + "(lr=" + e.getValue()), e + ": " + r.out());
        }
        assertTrue(help.contains("default: 0.1 for the twolayer model with SGD"), help);
        assertTrue(run("train", "--data", d, "--iterations", "0", "--quiet").out().contains("SGD(lr=0.1)"));
        java.io.StringWriter w = new java.io.StringWriter();
        TrainCommand.Progress bar = new TrainCommand.Progress(new PrintWriter(w), 1000, true, false);
        for (int i = 0; i < 20; i++) bar.step(i, 2.0);
        assertTrue(w.toString().contains("it/s") && w.toString().contains(" left"), w.toString());
        assertEquals("1:02:03", TrainCommand.Progress.clock(3723));
        assertEquals("0:07", TrainCommand.Progress.clock(7.2));
    }

    /** The chapter-7 SimpleConvNet trains, is saved and loaded in the checksummed format, and predicts. */
    @Test
    void theConvNetTrainsSavesAndPredicts(@TempDir Path dir) throws IOException {
        Path data = bundledFolder(Files.createDirectory(dir.resolve("data")));
        Path params = dir.resolve("conv.bin");
        Run t = run("train", "--model", "convnet", "--data", data.toString(), "--iterations", "20", "--quiet", "--save", params.toString());
        assertEquals(0, t.exit(), t.out() + t.err());
        assertTrue(t.out().contains("SimpleConvNet(1x28x28; conv 30x5x5, pool 2x2, hidden 100, 10 classes): 20 iterations")
                && t.out().contains("Adam(lr=0.001"), t.out());
        String last = t.out().lines().filter(l -> l.startsWith("after the last iteration")).findFirst().orElseThrow();
        Run back = run("train", "--data", data.toString(), "--load", params.toString(), "--iterations", "0", "--quiet");
        assertEquals(0, back.exit(), back.err());
        assertTrue(back.out().contains(last), "the loaded convnet gives the same accuracies:\n" + last + "\n" + back.out());
        Run p = run("predict", "--load", params.toString(), "--image", "0", "--data", data.toString());
        assertEquals(0, p.exit(), p.err());
        assertTrue(p.out().contains("network: SimpleConvNet") && p.out().contains("test image 0: label 7, predicted"), p.out());
        Run engine = run("train", "--model", "convnet", "--data", data.toString(), "--engine", "tape-fused", "--iterations", "1");
        assertEquals(2, engine.exit());
        assertTrue(engine.err().contains("--engine applies to --model twolayer only"), engine.err());
    }

    /** The convnet also goes through NumPy's format, and draws its filters before and after training. */
    @Test
    void theConvNetSavesAsNpzAndDrawsItsFilters(@TempDir Path dir) throws IOException {
        Path data = bundledFolder(Files.createDirectory(dir.resolve("data")));
        Path npz = dir.resolve("conv.npz");
        Path png = dir.resolve("filters.png");
        Run t = run("train", "--model", "convnet", "--data", data.toString(), "--iterations", "10", "--quiet", "--save", npz.toString(),
                "--plot-filters", png.toString());
        assertEquals(0, t.exit(), t.out() + t.err());
        assertTrue(t.out().contains("filters: " + png), t.out());
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        // 10 filters of 5x5 pixels, 10 screen pixels each, a 6-pixel gap: 10 * 56 + 6 wide; two sets of 3 rows and a title
        assertEquals(566, image.getWidth());
        assertEquals(2 * (24 + 3 * 56) + 6, image.getHeight());
        String last = t.out().lines().filter(l -> l.startsWith("after the last iteration")).findFirst().orElseThrow();
        Run back = run("train", "--data", data.toString(), "--load", npz.toString(), "--iterations", "0", "--quiet");
        assertEquals(0, back.exit(), back.err());
        assertTrue(back.out().contains(last), "the convnet read from .npz gives the same accuracies:\n" + last + "\n" + back.out());
        Run p = run("predict", "--load", npz.toString(), "--image", "0", "--data", data.toString());
        assertEquals(0, p.exit(), p.err());
        assertTrue(p.out().contains("network: SimpleConvNet"), p.out());
        Run notConv = run("train", "--data", data.toString(), "--iterations", "1", "--plot-filters", png.toString());
        assertEquals(2, notConv.exit());
        assertTrue(notConv.err().contains("--plot-filters draws a convolution's filters: it needs --model convnet"), notConv.err());
        Run notPng = run("train", "--model", "convnet", "--data", data.toString(), "--iterations", "1", "--plot-filters",
                dir.resolve("f.svg").toString());
        assertEquals(2, notPng.exit());
        assertTrue(notPng.err().contains("the picture is a PNG"), notPng.err());
    }

    /** gradcheck --model convnet: the book's small convnet, every entry within GradCheck's tolerance, the tape within 1e-10. */
    @Test
    void gradcheckPassesOnTheSmallConvNet() {
        Run r = run("gradcheck", "--model", "convnet");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("PASS: every entry within the tolerance"), r.out());
        for (String name : new String[] {"W1:", "b1:", "W2:", "b2:", "W3:", "b3:"}) assertTrue(r.out().contains(name), r.out());
        assertTrue(r.out().contains("90/90") && r.out().contains("1600/1600"), "W1 has 90 entries, W2 1600, all passing:\n" + r.out());
        Run bad = run("gradcheck", "--model", "mlp");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--model must be twolayer or convnet, got 'mlp'"), bad.err());
    }
}
