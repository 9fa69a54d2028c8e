package io.github.tapegrad.samples.cli;

import io.github.tapegrad.samples.apple.Shopping;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Section 5.4.2: apples and oranges, with Mul and Add layers and on the tape. */
@Command(name = "apple-orange", mixinStandardHelpOptions = true,
        description = "Section 5.4.2: 2 apples at 100 and 3 oranges at 150 with tax 1.1 -- by the layers and by the tape.")
public final class AppleOrangeCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return Reports.shopping(spec.commandLine().getOut(), Shopping.appleOrangeWithLayers(), Shopping.appleOrangeOnTape().result());
    }
}
