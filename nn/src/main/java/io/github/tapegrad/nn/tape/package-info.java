/**
 * The chapter's layers on the tape, in two forms: composites of engine primitives ({@code LayerFunctions}, no
 * derivative code) and fused custom ops whose rule is the layer's hand-written backward ({@code FusedLayers}).
 */
package io.github.tapegrad.nn.tape;
