package io.github.tapegrad.samples.cli;

import io.github.tapegrad.samples.data.MnistData;
import io.github.tapegrad.samples.data.MnistSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;
import io.github.tapegrad.samples.io.ModelFiles;
import io.github.tapegrad.samples.models.Network;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Classify a test image with a saved network. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify a test image with saved parameters: the image as text art, the predicted digit and the class probabilities.")
public final class PredictCommand implements java.util.concurrent.Callable<Integer> {
    private static final String SHADES = " .:-=+*#%@";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--load", paramLabel = "FILE", required = true, description = "parameters written by train --save")
    Path load;

    @Option(names = "--image", description = "index of the test image (default: ${DEFAULT-VALUE})", defaultValue = "0")
    int image;

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the four MNIST files (default: the default folder, else the bundled subset)")
    Path data;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        MnistData test = MnistSource.load(data).test();
        if (image < 0 || image >= test.size()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--image " + image + " is out of range: the test set has images 0.." + (test.size() - 1));
        }
        Network net = ModelFiles.read(load);
        if (net.outputSize() <= test.label(image)) {
            throw new IllegalArgumentException(load + " holds " + net.describe() + " with " + net.outputSize() + " outputs, but test"
                    + " image " + image + " has label " + test.label(image) + ": the network was trained on other data");
        }
        if (net.inputSize() != test.features()) {
            throw new IllegalArgumentException(load + " expects " + net.inputSize() + " inputs, the images have " + test.features());
        }
        int side = (int) Math.round(Math.sqrt(test.features()));
        for (int r = 0; r < side; r++) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < side; c++) {
                char ch = SHADES.charAt(test.pixel(image, r * side + c) * (SHADES.length() - 1) / 255);
                line.append(ch).append(ch);
            }
            out.println(line.toString().stripTrailing());
        }
        DMatrixRMaj x = new DMatrixRMaj(1, 1);
        test.range(image, image + 1, x);
        DMatrixRMaj p = net.probabilities(x);
        int best = MnistData.argmax(p, 0);
        out.println("network: " + net.describe());
        out.printf(Locale.ROOT, "test image %d: label %d, predicted %d (%s)%n", image, test.label(image), best,
                best == test.label(image) ? "correct" : "wrong");
        for (int j = 0; j < p.numCols; j++) {
            out.printf(Locale.ROOT, "  %d  %6.2f%%  %s%n", j, 100 * p.data[j], "#".repeat((int) Math.round(40 * p.data[j])));
        }
        out.flush();
        return 0;
    }
}
