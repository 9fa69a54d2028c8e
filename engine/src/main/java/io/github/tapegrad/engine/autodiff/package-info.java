/**
 * Reverse-mode automatic differentiation: the {@code Tape}, tracked values ({@code Var}), the sealed set of
 * {@code Primitive}s with forward and VJP side by side, {@code CustomOp}s, and composite {@code Functions}
 * (no derivative code). Depends on the tensor package only.
 */
package io.github.tapegrad.engine.autodiff;
