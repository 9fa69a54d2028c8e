package io.github.tapegrad.samples.cli;

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
        assertEquals(1, badOpt.exit());
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
        assertTrue(badModel.err().contains("not a model; use twolayer or multilayer"), badModel.err());
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
}
