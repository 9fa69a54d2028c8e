package io.github.tapegrad.samples.cli;

import io.github.tapegrad.samples.apple.Shopping;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Section 5.4.1: buying apples, with MulLayers and on the tape. */
@Command(name = "apple", mixinStandardHelpOptions = true,
        description = "Section 5.4.1: 2 apples at 100 with tax 1.1 -- the price and its gradients, by the layers and by the tape.")
public final class AppleCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return Reports.shopping(spec.commandLine().getOut(), Shopping.appleWithLayers(), Shopping.appleOnTape().result());
    }
}
