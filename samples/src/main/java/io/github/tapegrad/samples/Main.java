package io.github.tapegrad.samples;

import io.github.tapegrad.samples.cli.AppleCommand;
import io.github.tapegrad.samples.cli.AppleOrangeCommand;
import io.github.tapegrad.samples.cli.BenchCommand;
import io.github.tapegrad.samples.cli.CompareOptimizersCommand;
import io.github.tapegrad.samples.cli.GradCheckCommand;
import io.github.tapegrad.samples.cli.GraphCommand;
import io.github.tapegrad.samples.cli.PredictCommand;
import io.github.tapegrad.samples.cli.TrainCommand;
import io.github.tapegrad.samples.cli.VerifyLayersCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The samples' command line: one subcommand per program of chapter 5. */
@Command(name = "tapegrad", mixinStandardHelpOptions = true, version = "tapegrad samples 0.1.0",
        description = "The programs of chapter 5 of \"Deep Learning from Scratch\", on tapegrad.",
        subcommands = {AppleCommand.class, AppleOrangeCommand.class, GraphCommand.class, GradCheckCommand.class,
                VerifyLayersCommand.class, TrainCommand.class, PredictCommand.class, BenchCommand.class,
                CompareOptimizersCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A command line whose failures print one clear line (exit 1) instead of a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            if (System.getenv("TAPEGRAD_DEBUG") != null) e.printStackTrace(commandLine.getErr());
            return 1;
        });
        return cl;
    }

    public static void main(String[] args) {
        try {
            io.github.tapegrad.engine.tensor.Settings.check();
        } catch (IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
        int exit;
        try {
            exit = commandLine().execute(args);
        } catch (OutOfMemoryError e) {
            // NOTE: sizes are checked against the heap before work starts; this is the last resort for what they miss
            System.err.println("error: out of memory (" + e.getMessage() + "); smaller sizes or a larger heap (java -Xmx...) help");
            exit = 1;
        }
        System.exit(exit);
    }
}
