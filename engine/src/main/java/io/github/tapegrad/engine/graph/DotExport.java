package io.github.tapegrad.engine.graph;

import io.github.tapegrad.engine.autodiff.Gradients;
import io.github.tapegrad.engine.autodiff.Primitive;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Exports the recorded graph that leads to an output as Graphviz DOT, drawn left to right like the book's
 * figures: variables are boxes, operations are circles, and each edge carries the value flowing forward
 * and, given a {@link Tape#gradientsOfAll(Var)} result, the gradient flowing back (in red).
 */
public final class DotExport {
    /** Tensors with at most this many elements print their values on edges; larger ones print their shape. */
    public static final int MAX_PRINTED_ELEMENTS = 6;

    private DotExport() {}

    /** A node of the exported graph. {@code op} is null for variables and constants. */
    public record GraphNode(String id, String label, boolean isOperation) {}

    /** An edge from {@code from} to {@code to} carrying {@code value} forward and {@code gradient} (or null) back. */
    public record GraphEdge(String from, String to, Tensor value, Tensor gradient) {}

    /** The subgraph of a tape that leads to one output, in execution order. */
    public record Graph(List<GraphNode> nodes, List<GraphEdge> edges) {}

    /** Collects the nodes and edges that lead to {@code output}; {@code grads} may be null. */
    public static Graph collect(Tape tape, Var output, Gradients grads) {
        if (!output.isTracked()) throw new IllegalArgumentException("export: the output " + output + " is not tracked");
        List<Tape.Node> all = tape.nodes();
        int end = -1;
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).value() == output) {
                end = i;
                break;
            }
        }
        if (end < 0) throw new IllegalArgumentException("export: " + output + " is not on this tape");
        boolean[] used = new boolean[end + 1];
        used[end] = true;
        Map<Var, Integer> idOf = new IdentityHashMap<>();
        for (int i = 0; i <= end; i++) idOf.put(all.get(i).value(), i);
        for (int i = end; i >= 0; i--) {
            Primitive op = all.get(i).op();
            if (!used[i] || op == null) continue;
            for (Var in : op.inputs()) {
                Integer j = idOf.get(in);
                if (j != null) used[j] = true;
            }
        }
        List<GraphNode> nodes = new ArrayList<>();
        List<GraphEdge> edges = new ArrayList<>();
        int constants = 0;
        for (int i = 0; i <= end; i++) {
            if (!used[i]) continue;
            Tape.Node n = all.get(i);
            String id = "n" + i;
            if (n.op() == null) {
                String name = n.value().name() != null ? n.value().name() : "v" + i;
                nodes.add(new GraphNode(id, name, false));
                continue;
            }
            nodes.add(new GraphNode(id, symbol(n.op()), true));
            for (Var in : n.op().inputs()) {
                Integer j = idOf.get(in);
                String from;
                Tensor grad = null;
                if (j == null) {
                    from = "c" + constants++;
                    nodes.add(new GraphNode(from, describe(in.value()), false));
                } else {
                    from = "n" + j;
                    grad = grads == null ? null : grads.atNode(j);
                }
                edges.add(new GraphEdge(from, id, in.value(), grad));
            }
        }
        nodes.add(new GraphNode("out", output.name() != null ? output.name() : "output", false));
        edges.add(new GraphEdge("n" + end, "out", output.value(), grads == null ? null : grads.atNode(end)));
        return new Graph(nodes, edges);
    }

    /** The graph as DOT text; {@code grads} may be null for a forward-only picture. */
    public static String toDot(Tape tape, Var output, Gradients grads) {
        Graph g = collect(tape, output, grads);
        StringBuilder sb = new StringBuilder("digraph tape {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
        for (GraphNode n : g.nodes()) {
            sb.append("  ").append(n.id()).append(" [label=\"").append(escape(n.label())).append("\", shape=")
                    .append(n.isOperation() ? "circle" : "box").append("];\n");
        }
        for (GraphEdge e : g.edges()) {
            sb.append("  ").append(e.from()).append(" -> ").append(e.to()).append(" [label=<").append(html(describe(e.value())));
            if (e.gradient() != null) sb.append("<br/><font color=\"red\">").append(html(describe(e.gradient()))).append("</font>");
            sb.append(">];\n");
        }
        return sb.append("}\n").toString();
    }

    /** The book's symbols for the arithmetic ops, the op name otherwise. */
    public static String symbol(Primitive op) {
        return switch (op.name()) {
            case "add" -> "+";
            case "sub" -> "−";
            case "mul" -> "×";
            case "div" -> "/";
            default -> op.name();
        };
    }

    /** A value for a label: the numbers of a small tensor, otherwise its shape. */
    public static String describe(Tensor t) {
        if (t.size() > MAX_PRINTED_ELEMENTS) return "tensor" + Shapes.format(t.shape());
        if (t.size() == 1) return number(t.toArray()[0]);
        StringBuilder sb = new StringBuilder("[");
        double[] v = t.toArray();
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ", ").append(number(v[i]));
        return sb.append(']').toString();
    }

    private static String number(double x) {
        String s = String.format(Locale.ROOT, "%.6g", x);
        if (s.contains("e")) return s;
        if (s.contains(".")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s;
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
