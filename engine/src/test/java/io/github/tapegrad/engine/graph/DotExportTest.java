package io.github.tapegrad.engine.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.autodiff.Gradients;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

class DotExportTest {

    @Test
    void appleGraphCarriesValuesAndGradientsOnEdges() {
        Tape tape = new Tape();
        Var apple = tape.variable("apple", Tensor.scalar(100));
        Var num = tape.variable("apple_num", Tensor.scalar(2));
        Var tax = tape.variable("tax", Tensor.scalar(1.1));
        Var unrelated = tape.variable("unrelated", Tensor.scalar(5)).mul(2.0);
        Var price = apple.mul(num).mul(tax);
        Gradients all = tape.gradientsOfAll(price);
        String dot = DotExport.toDot(tape, price, all);
        assertTrue(dot.startsWith("digraph tape {") && dot.contains("rankdir=LR"), dot);
        assertTrue(dot.contains("label=\"apple\", shape=box"), dot);
        assertTrue(dot.contains("label=\"×\", shape=circle"), dot);
        assertTrue(dot.contains("n0 -> n5 [label=<100<br/><font color=\"red\">2.2</font>>]"), dot);
        assertTrue(dot.contains("n5 -> n6 [label=<200<br/><font color=\"red\">1.1</font>>]"), dot);
        assertTrue(dot.contains("-> out [label=<220<br/><font color=\"red\">1</font>>]"), dot);
        assertTrue(!dot.contains("unrelated"), "only the graph leading to the output is drawn");
        DotExport.Graph g = DotExport.collect(tape, price, all);
        assertEquals(6, g.nodes().size(), g.toString());   // 3 variables, 2 ops and the output
        assertTrue(unrelated.isTracked());
    }

    @Test
    void bigTensorsPrintTheirShape() {
        Tape tape = new Tape();
        Var x = tape.variable("x", Tensor.zeros(10, 10));
        Var y = x.sum();
        String dot = DotExport.toDot(tape, y, null);
        assertTrue(dot.contains("tensor(10x10)"), dot);
        assertTrue(dot.contains("label=\"sum\""), dot);
    }
}
