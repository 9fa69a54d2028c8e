package io.github.tapegrad.samples.cli;

import io.github.tapegrad.engine.graph.DotExport;
import io.github.tapegrad.samples.apple.Shopping;
import io.github.tapegrad.samples.graph.SvgGraph;
import java.io.IOException;
import java.io.PrintWriter;
import io.github.tapegrad.samples.io.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The computational graphs of section 5.4, from the tape, as DOT and SVG. */
@Command(name = "graph", mixinStandardHelpOptions = true,
        description = "Write the computational graphs of the apple and apple-orange examples, from the tape, as DOT and SVG"
                + " (forward values in black, gradients in red; no Graphviz needed).")
public final class GraphCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", description = "folder for the files (default: ${DEFAULT-VALUE})", defaultValue = "graphs")
    Path out;

    @Override
    public Integer call() throws IOException {
        PrintWriter pw = spec.commandLine().getOut();
        Files.createDirectories(out);
        write(pw, "apple", "Buying apples (section 5.4.1)", Shopping.appleOnTape());
        write(pw, "apple-orange", "Buying apples and oranges (section 5.4.2)", Shopping.appleOrangeOnTape());
        pw.flush();
        return 0;
    }

    private void write(PrintWriter pw, String name, String title, Shopping.Recorded r) throws IOException {
        Path dot = out.resolve(name + ".dot");
        Path svg = out.resolve(name + ".svg");
        // both texts are made before either file is touched: a failure leaves the old files as they were
        String dotText = DotExport.toDot(r.tape(), r.price(), r.all());
        DotExport.Graph graph = DotExport.collect(r.tape(), r.price(), r.all());
        String svgText = SvgGraph.render(graph, title);
        AtomicFiles.write(dot, o -> o.write(dotText.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        AtomicFiles.write(svg, o -> o.write(svgText.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        pw.printf("%-13s %d nodes, %d edges -> %s, %s%n", name, graph.nodes().size(), graph.edges().size(), dot, svg);
    }
}
