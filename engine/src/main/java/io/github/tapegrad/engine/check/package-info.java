/**
 * Central-difference numerical gradients and gradient checks with reports that name the input, its shape,
 * the worst index and both values. Uses the tape only to obtain the analytic side; the numerical side runs
 * the forward pass with recording off.
 */
package io.github.tapegrad.engine.check;
