package io.github.tapegrad.nn;

import io.github.tapegrad.engine.tensor.Tensor;

/** The two input gradients of a two-input layer, as the book's {@code dx, dy = layer.backward(dout)}. */
public record Gradients2(Tensor dx, Tensor dy) {}
