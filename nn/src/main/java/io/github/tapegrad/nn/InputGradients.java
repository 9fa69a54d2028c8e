package io.github.tapegrad.nn;

import io.github.tapegrad.engine.tensor.Tensor;

/** The gradients of a two-input layer's inputs, as the book's {@code dx, dy = layer.backward(dout)}. */
public record InputGradients(Tensor dx, Tensor dy) {}
