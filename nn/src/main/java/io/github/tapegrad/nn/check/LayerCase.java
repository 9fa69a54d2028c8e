package io.github.tapegrad.nn.check;

import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Tensor;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One layer at one point, in its three forms: the hand-written layer (forward and backward on a fresh
 * instance), the composite of primitives, and the fused custom op; plus the upstream gradient {@code dout}
 * against which all three are compared.
 *
 * @param layer      the layer's name
 * @param inputNames a name per input, for example x, W, b
 * @param inputs     the point
 * @param dout       the upstream gradient, of the output's shape
 * @param forward    the hand-written forward on fresh layer state
 * @param backward   the hand-written forward then backward(dout) on fresh layer state; one gradient per input
 * @param composite  the layer built from engine primitives
 * @param fused      the layer as a custom op over its hand-written backward
 */
public record LayerCase(String layer, List<String> inputNames, List<Tensor> inputs, Tensor dout,
                        Function<Tensor[], Tensor> forward, BiFunction<Tensor[], Tensor, Tensor[]> backward,
                        Function<Var[], Var> composite, Function<Var[], Var> fused) {

    public LayerCase {
        inputNames = List.copyOf(inputNames);
        inputs = List.copyOf(inputs);
        if (inputNames.size() != inputs.size()) throw new IllegalArgumentException(layer + ": a name per input is required");
    }

    /** The layer and its input shapes, for property-test reports. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(layer).append('(');
        for (int i = 0; i < inputs.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(inputNames.get(i))
                    .append(io.github.tapegrad.engine.tensor.Shapes.format(inputs.get(i).shape()));
        }
        return sb.append(") with dout").append(io.github.tapegrad.engine.tensor.Shapes.format(dout.shape())).toString();
    }

    Tensor[] inputArray() {
        return inputs.toArray(new Tensor[0]);
    }
}
