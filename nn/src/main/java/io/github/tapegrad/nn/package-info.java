/**
 * The layers of chapter 5 of "Deep Learning from Scratch" with their hand-written backward passes:
 * {@link io.github.tapegrad.nn.MulLayer}, {@link io.github.tapegrad.nn.AddLayer}, {@link io.github.tapegrad.nn.Relu},
 * {@link io.github.tapegrad.nn.Sigmoid}, {@link io.github.tapegrad.nn.Affine} and
 * {@link io.github.tapegrad.nn.SoftmaxWithLoss}.
 *
 * <p>These classes use EJML and the engine's tensor package only, never the tape: they are what the tape checks,
 * so they must not share its gradient rules. Their tape forms live in {@code nn.tape}, their checks in {@code nn.check}.
 */
package io.github.tapegrad.nn;
