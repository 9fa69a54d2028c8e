package io.github.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.autodiff.Gradients;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.nn.tape.FusedLayers;
import io.github.tapegrad.nn.tape.LayerFunctions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The book's small SimpleConvNet (input 1×10×10, 10 filters 3×3, 2×2 pooling, hidden 10, output 10) at committed
 * weights and inputs: the logits and the backprop gradients that the book's NumPy layers compute from them
 * ({@code golden-small-convnet.txt}, made by {@code numpy_convnet.py}'s SimpleConvNet with NumPy 2.4.6), against this
 * library's hand-written layers, composites and fused ops, each to 1e-12·max(1, |a|, |b|).
 */
class GoldenConvNetTest {
    private static final double TOLERANCE = 1e-12;
    private static final List<String> PARAMS = List.of("W1", "b1", "W2", "b2", "W3", "b3");

    private static Map<String, Tensor> golden() throws IOException {
        Map<String, Tensor> m = new HashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                GoldenConvNetTest.class.getResourceAsStream("golden-small-convnet.txt"), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("#")) continue;
                String[] parts = line.split(" ");
                int[] shape = java.util.Arrays.stream(parts[1].split(",")).mapToInt(Integer::parseInt).toArray();
                double[] v = new double[parts.length - 2];
                for (int i = 0; i < v.length; i++) v[i] = Double.parseDouble(parts[i + 2]);
                m.put(parts[0], Tensor.of(v, shape));
            }
        }
        return m;
    }

    private static void close(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        for (int i = 0; i < expected.size(); i++) {
            double a = expected.getFlat(i);
            double b = actual.getFlat(i);
            int at = i;
            assertTrue(Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.max(Math.abs(a), Math.abs(b))),
                    () -> what + " at flat index " + at + ": NumPy " + a + ", tapegrad " + b);
        }
    }

    private static int[] labels(Map<String, Tensor> g) {
        return g.get("t").toIntArray();
    }

    @Test
    void theHandWrittenLayersGiveNumpysLogitsAndGradients() throws IOException {
        Map<String, Tensor> g = golden();
        Convolution conv = new Convolution("Conv1", g.get("W1"), g.get("b1"), 1, 0);
        Relu relu1 = new Relu("Relu1");
        Pooling pool = new Pooling("Pool1", 2, 2, 2, 0);
        Affine affine1 = new Affine("Affine1", g.get("W2"), g.get("b2"));
        Relu relu2 = new Relu("Relu2");
        Affine affine2 = new Affine("Affine2", g.get("W3"), g.get("b3"));
        Tensor logits = affine2.forward(relu2.forward(affine1.forward(pool.forward(relu1.forward(conv.forward(g.get("x")))))));
        close("logits", g.get("logits"), logits);
        SoftmaxWithLoss last = new SoftmaxWithLoss();
        last.forward(logits, labels(g));
        Tensor d = affine2.backward(last.backwardTensor(1.0));
        close("dW3", g.get("dW3"), Tensor.fromMatrix(affine2.dW()));
        close("db3", g.get("db3"), Tensor.fromMatrix(affine2.db()).reshape(10));
        d = affine1.backward(relu2.backward(d));
        close("dW2", g.get("dW2"), Tensor.fromMatrix(affine1.dW()));
        close("db2", g.get("db2"), Tensor.fromMatrix(affine1.db()).reshape(10));
        conv.backward(relu1.backward(pool.backward(d)));
        close("dW1", g.get("dW1"), conv.dW());
        close("db1", g.get("db1"), conv.db());
    }

    @Test
    void theCompositeAndFusedFormsGiveNumpysLogitsAndGradients() throws IOException {
        Map<String, Tensor> g = golden();
        for (String form : List.of("composite", "fused")) {
            boolean composite = form.equals("composite");
            Tape tape = new Tape();
            Map<String, Var> p = new HashMap<>();
            for (String k : PARAMS) p.put(k, tape.variable(k, g.get(k)));
            Var x = tape.constant(g.get("x"));
            Function<Var, Var> relu = v -> composite ? LayerFunctions.relu(v) : FusedLayers.relu(v);
            Var h = composite ? LayerFunctions.convolution(x, p.get("W1"), p.get("b1"), 1, 0) : FusedLayers.convolution(x, p.get("W1"), p.get("b1"), 1, 0);
            h = relu.apply(h);
            h = composite ? LayerFunctions.maxPooling(h, 2, 2, 2, 0) : FusedLayers.maxPooling(h, 2, 2, 2, 0);
            h = composite ? LayerFunctions.affine(h, p.get("W2"), p.get("b2")) : FusedLayers.affine(h, p.get("W2"), p.get("b2"));
            h = relu.apply(h);
            Var logits = composite ? LayerFunctions.affine(h, p.get("W3"), p.get("b3")) : FusedLayers.affine(h, p.get("W3"), p.get("b3"));
            close(form + " logits", g.get("logits"), logits.value());
            Var loss = composite ? LayerFunctions.softmaxWithLoss(logits, labels(g)) : FusedLayers.softmaxWithLoss(logits, labels(g));
            Gradients grads = tape.gradients(loss, PARAMS.stream().map(p::get).toArray(Var[]::new));
            for (String k : PARAMS) close(form + " d" + k, g.get("d" + k), grads.get(p.get(k)));
        }
    }
}
