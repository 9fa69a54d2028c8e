/**
 * The programs of chapter 5 as one command-line tool ({@link io.github.tapegrad.samples.Main}): the shopping
 * examples ({@code apple}), graph pictures ({@code graph}), the TwoLayerNet ({@code twolayer}) on MNIST ({@code mnist}),
 * plots ({@code plot}) and the subcommands ({@code cli}).
 */
package io.github.tapegrad.samples;
