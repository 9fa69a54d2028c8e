/** Export of a recorded graph, with forward values and gradients on its edges, as Graphviz DOT. */
package io.github.tapegrad.engine.graph;
