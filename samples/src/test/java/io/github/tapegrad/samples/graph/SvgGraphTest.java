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
}
