package io.github.tapegrad.samples.graph;

import io.github.tapegrad.engine.graph.DotExport;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Draws a {@link DotExport.Graph} as SVG without Graphviz: a left-to-right layered layout (each node's column is
 * its longest distance from a source), variables as boxes, operations as circles, and on every edge the forward
 * value above (black) and the gradient below (red), like the book's figures. Lines and labels carry a
 * {@code data-edge} index, so that a test can check that every label sits beside its own edge.
 */
public final class SvgGraph {
    private static final int COLUMN = 190;
    private static final int ROW = 100;
    private static final int MARGIN = 50;
    private static final int BOX_W = 96;
    private static final int BOX_H = 34;
    private static final int RADIUS = 20;
    /** The width of one character at the labels' 13 px, for keeping a label off the lines (generous: digits are ~7 px). */
    static final double CHAR_WIDTH = 8;
    /** A label's height, and its baseline below its centre, at 13 px. */
    static final double LABEL_HEIGHT = 13;
    static final double BASELINE = 4.5;

    private SvgGraph() {}

    /** The SVG document. */
    public static String render(DotExport.Graph graph, String title) {
        Map<String, Integer> column = new HashMap<>();
        for (DotExport.GraphNode n : graph.nodes()) column.put(n.id(), 0);
        // nodes are in execution order, so one pass over the edges in order settles every column
        for (int pass = 0; pass < graph.nodes().size(); pass++) {
            boolean changed = false;
            for (DotExport.GraphEdge e : graph.edges()) {
                int c = column.get(e.from()) + 1;
                if (c > column.get(e.to())) {
                    column.put(e.to(), c);
                    changed = true;
                }
            }
            if (!changed) break;
        }
        // sources (variables, constants) move right, next to their first consumer, as in the book's figures
        java.util.Set<String> hasInput = new java.util.HashSet<>();
        for (DotExport.GraphEdge e : graph.edges()) hasInput.add(e.to());
        for (DotExport.GraphNode n : graph.nodes()) {
            if (hasInput.contains(n.id())) continue;
            int first = Integer.MAX_VALUE;
            for (DotExport.GraphEdge e : graph.edges()) if (e.from().equals(n.id())) first = Math.min(first, column.get(e.to()));
            if (first != Integer.MAX_VALUE) column.put(n.id(), first - 1);
        }
        Map<Integer, Integer> rowsUsed = new HashMap<>();
        Map<String, int[]> pos = new HashMap<>();
        Map<String, DotExport.GraphNode> byId = new HashMap<>();
        int maxRow = 0;
        int maxCol = 0;
        for (DotExport.GraphNode n : graph.nodes()) {
            int c = column.get(n.id());
            int r = rowsUsed.merge(c, 1, Integer::sum) - 1;
            pos.put(n.id(), new int[] {MARGIN + BOX_W / 2 + c * COLUMN, MARGIN + 30 + r * ROW});
            byId.put(n.id(), n);
            maxRow = Math.max(maxRow, r);
            maxCol = Math.max(maxCol, c);
        }
        int width = 2 * MARGIN + BOX_W + maxCol * COLUMN;
        int height = 2 * MARGIN + 60 + maxRow * ROW;
        StringBuilder sb = new StringBuilder();
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"Helvetica, Arial, sans-serif\" font-size=\"13\">%n", width, height, width, height));
        sb.append("  <title>").append(xml(title)).append("</title>\n");
        sb.append("  <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\""
                + " orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#333\"/></marker></defs>\n");
        sb.append("  <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.append(String.format(Locale.ROOT, "  <text x=\"%d\" y=\"%d\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                MARGIN / 2, 24, xml(title)));
        int k = 0;
        for (DotExport.GraphEdge e : graph.edges()) {
            int[] a = pos.get(e.from());
            int[] b = pos.get(e.to());
            double x1 = a[0] + halfWidth(byId.get(e.from()));
            double x2 = b[0] - halfWidth(byId.get(e.to()));
            sb.append(String.format(Locale.ROOT, "  <line data-edge=\"%d\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\""
                    + " stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>%n", k, x1, a[1], x2, b[1]));
            String value = DotExport.describe(e.value());
            String gradient = e.gradient() == null ? null : DotExport.describe(e.gradient());
            // NOTE: labels of a sloped edge sit near its source, where edges that meet at one node are still apart; each
            // label's box is pushed away from its line, along the line's normal, just far enough that the line misses it
            double t = a[1] == b[1] ? 0.5 : 0.3;
            double mx = x1 + t * (x2 - x1);
            double my = a[1] + t * (b[1] - a[1]);
            double len = Math.hypot(x2 - x1, b[1] - a[1]);
            double nx = (b[1] - a[1]) / len;
            double ny = -(x2 - x1) / len;
            sb.append(label(k, mx, my, nx, ny, value, null));
            if (gradient != null) sb.append(label(k, mx, my, -nx, -ny, gradient, "#c00"));
            k++;
        }
        for (DotExport.GraphNode n : graph.nodes()) {
            int[] p = pos.get(n.id());
            if (n.isOperation()) {
                sb.append(String.format(Locale.ROOT, "  <circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"#f4f4ff\" stroke=\"#335\" stroke-width=\"1.5\"/>%n",
                        p[0], p[1], RADIUS));
            } else {
                sb.append(String.format(Locale.ROOT, "  <rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"#fffbe8\""
                        + " stroke=\"#553\" stroke-width=\"1.2\"/>%n", p[0] - BOX_W / 2, p[1] - BOX_H / 2, BOX_W, BOX_H));
            }
            sb.append(String.format(Locale.ROOT, "  <text x=\"%d\" y=\"%d\" text-anchor=\"middle\"%s>%s</text>%n",
                    p[0], p[1] + 5, n.isOperation() ? " font-size=\"18\"" : "", xml(n.label())));
        }
        sb.append(String.format(Locale.ROOT, "  <text x=\"%d\" y=\"%d\" fill=\"#555\">black: forward value · <tspan fill=\"#c00\">red:"
                + " gradient of the output</tspan></text>%n", MARGIN / 2, height - 14));
        sb.append("</svg>\n");
        return sb.toString();
    }

    /** A label beside the point (x, y) of its edge, on the side the unit normal (nx, ny) points to. */
    private static String label(int edge, double x, double y, double nx, double ny, String text, String fill) {
        double halfW = CHAR_WIDTH * text.length() / 2;
        double clearance = Math.abs(nx) * halfW + Math.abs(ny) * LABEL_HEIGHT / 2 + 4;
        double cx = x + nx * clearance;
        double cy = y + ny * clearance;
        return String.format(Locale.ROOT, "  <text data-edge=\"%d\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\"%s>%s</text>%n",
                edge, cx, cy + BASELINE, fill == null ? "" : " fill=\"" + fill + "\"", xml(text));
    }

    private static double halfWidth(DotExport.GraphNode n) {
        return n.isOperation() ? RADIUS : BOX_W / 2.0;
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
