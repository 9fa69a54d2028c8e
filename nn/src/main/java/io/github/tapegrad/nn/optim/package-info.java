/**
 * Optimizers of the book's chapter 6 (SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam), updating parameters in place
 * after backward. They read gradients only, so they serve the hand-written layers and the tape alike.
 */
package io.github.tapegrad.nn.optim;
