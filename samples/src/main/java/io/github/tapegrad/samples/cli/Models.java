package io.github.tapegrad.samples.cli;

import io.github.tapegrad.nn.optim.AdaGrad;
import io.github.tapegrad.nn.optim.Adam;
import io.github.tapegrad.nn.optim.Momentum;
import io.github.tapegrad.nn.optim.Nesterov;
import io.github.tapegrad.nn.optim.Optimizer;
import io.github.tapegrad.nn.optim.RmsProp;
import io.github.tapegrad.nn.optim.Sgd;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine;

/** The parsers and factories shared by the training commands. */
final class Models {
    private Models() {}

    /** Hidden layer sizes given as "100,100,50". */
    record Hidden(int[] sizes) {
        @Override
        public String toString() {
            return Arrays.stream(sizes).mapToObj(String::valueOf).collect(java.util.stream.Collectors.joining(","));
        }
    }

    /** "100,100,50" → {100, 100, 50}. */
    static final class HiddenConverter implements CommandLine.ITypeConverter<Hidden> {
        @Override
        public Hidden convert(String value) {
            try {
                int[] sizes = Arrays.stream(value.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
                for (int s : sizes) if (s <= 0) throw new NumberFormatException();
                if (sizes.length == 0) throw new NumberFormatException();
                return new Hidden(sizes);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a list of positive layer sizes such as 50 or 100,100");
            }
        }
    }

    /**
     * The format of a {@code --plot} file, after checking, before any work, that its name asks for PNG or SVG and that it
     * can be written.
     */
    static io.github.tapegrad.samples.plot.TrainingPlot.Format checkPlot(CommandLine.Model.CommandSpec spec, java.nio.file.Path plot)
            throws java.io.IOException {
        io.github.tapegrad.samples.plot.TrainingPlot.Format format;
        try {
            format = io.github.tapegrad.samples.plot.TrainingPlot.formatOf("--plot", plot);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        io.github.tapegrad.samples.io.AtomicFiles.checkWritable("--plot", plot);
        return format;
    }

    /** The optimizers by name, with the book's default hyperparameters unless a learning rate is given. */
    static Optimizer optimizer(String name, Double learningRate) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "sgd" -> learningRate == null ? new Sgd() : new Sgd(learningRate);
            case "momentum" -> learningRate == null ? new Momentum() : new Momentum(learningRate, 0.9);
            case "nesterov" -> learningRate == null ? new Nesterov() : new Nesterov(learningRate, 0.9);
            case "adagrad" -> learningRate == null ? new AdaGrad() : new AdaGrad(learningRate);
            case "rmsprop" -> learningRate == null ? new RmsProp() : new RmsProp(learningRate, 0.99);
            case "adam" -> learningRate == null ? new Adam() : new Adam(learningRate, 0.9, 0.999);
            default -> throw new IllegalArgumentException("'" + name + "' is not an optimizer; use sgd, momentum, nesterov,"
                    + " adagrad, rmsprop or adam");
        };
    }
}
