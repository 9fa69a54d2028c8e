package io.github.tapegrad.samples.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.graph.DotExport;
import io.github.tapegrad.samples.apple.Shopping;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SvgGraphTest {

    @Test
    void appleOrangeSvgIsWellFormedAndCarriesTheBooksNumbers() throws Exception {
        Shopping.Recorded r = Shopping.appleOrangeOnTape();
        String svg = SvgGraph.render(DotExport.collect(r.tape(), r.price(), r.all()), "apples & oranges <5.4.2>");
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        assertEquals(9, doc.getElementsByTagName("line").getLength(), "one line per edge");
        assertEquals(4, doc.getElementsByTagName("circle").getLength(), "the ops: ×, ×, +, ×");
        assertEquals(6, doc.getElementsByTagName("rect").getLength() - 1, "5 inputs and the output, plus the background");
        String text = doc.getDocumentElement().getTextContent();
        for (String n : new String[] {"715", "650", "110", "2.2", "3.3", "165", "1.1"}) {
            assertTrue(text.contains(n), n + " missing from the picture");
        }
        assertTrue(svg.contains("fill=\"#c00\">650<"), "gradients are drawn in red");
    }

    /**
     * On the book's two graphs every edge label (value and gradient) is a box that no line crosses, and its centre is
     * closer to its own edge than to any other. Boxes are measured generously: 8 px per character, 13 px high.
     */
    @Test
    void everyLabelSitsBesideItsOwnEdge() throws Exception {
        for (Shopping.Recorded r : new Shopping.Recorded[] {Shopping.appleOnTape(), Shopping.appleOrangeOnTape()}) {
            String svg = SvgGraph.render(DotExport.collect(r.tape(), r.price(), r.all()), "graph");
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
            org.w3c.dom.NodeList lines = doc.getElementsByTagName("line");
            double[][] seg = new double[lines.getLength()][];
            for (int i = 0; i < seg.length; i++) {
                org.w3c.dom.Element l = (org.w3c.dom.Element) lines.item(i);
                assertEquals(String.valueOf(i), l.getAttribute("data-edge"));
                seg[i] = new double[] {num(l, "x1"), num(l, "y1"), num(l, "x2"), num(l, "y2")};
            }
            org.w3c.dom.NodeList texts = doc.getElementsByTagName("text");
            int labels = 0;
            for (int i = 0; i < texts.getLength(); i++) {
                org.w3c.dom.Element t = (org.w3c.dom.Element) texts.item(i);
                if (t.getAttribute("data-edge").isEmpty()) continue;
                labels++;
                int own = Integer.parseInt(t.getAttribute("data-edge"));
                double w = SvgGraph.CHAR_WIDTH * t.getTextContent().length();
                double cx = num(t, "x");
                double cy = num(t, "y") - SvgGraph.BASELINE;
                double[] box = {cx - w / 2, cy - SvgGraph.LABEL_HEIGHT / 2, cx + w / 2, cy + SvgGraph.LABEL_HEIGHT / 2};
                String what = "label '" + t.getTextContent() + "' of edge " + own;
                double ownDistance = distance(cx, cy, seg[own]);
                for (int e = 0; e < seg.length; e++) {
                    assertTrue(!crosses(seg[e], box), what + " is crossed by edge " + e);
                    if (e != own) {
                        assertTrue(ownDistance < distance(cx, cy, seg[e]), what + " is closer to edge " + e + " than to its own");
                    }
                }
            }
            assertEquals(2 * seg.length, labels, "a value and a gradient on every edge");
        }
    }

    private static double num(org.w3c.dom.Element e, String attribute) {
        return Double.parseDouble(e.getAttribute(attribute));
    }

    private static double distance(double x, double y, double[] s) {
        double dx = s[2] - s[0];
        double dy = s[3] - s[1];
        double t = Math.max(0, Math.min(1, ((x - s[0]) * dx + (y - s[1]) * dy) / (dx * dx + dy * dy)));
        return Math.hypot(x - s[0] - t * dx, y - s[1] - t * dy);
    }

    /** Whether the segment meets the box: sampled finely along its length (boxes are at least 8 px wide). */
    private static boolean crosses(double[] s, double[] box) {
        for (int i = 0; i <= 400; i++) {
            double x = s[0] + (s[2] - s[0]) * i / 400;
            double y = s[1] + (s[3] - s[1]) * i / 400;
            if (x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3]) return true;
        }
        return false;
    }
}
