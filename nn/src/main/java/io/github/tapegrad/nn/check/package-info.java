/**
 * Three-way derivative checks of the layers: hand-written backward, tape composite and central differences,
 * with a public per-layer {@code DerivativeReport} (max abs and rel errors, worst index, pass/fail).
 */
package io.github.tapegrad.nn.check;
