package io.github.tapegrad.nn.optim;

import java.util.List;

/**
 * Updates parameters in place from their gradients, after backward (never inside it), whichever path computed the
 * gradients: hand-written layers or the tape. The library's optimizers follow the book's chapter 6
 * ({@code common/optimizer.py}); each class says where that differs from the original paper.
 *
 * <p>An optimizer whose rule updates each entry from that entry's gradient and its own state extends
 * {@link ElementwiseOptimizer}, which keeps the state and checks the parameters; any other rule implements this
 * interface directly.
 */
public interface Optimizer {
    /**
     * One update of every parameter.
     *
     * @throws IllegalArgumentException naming the parameter, when a gradient holds NaN or ±∞, or when a parameter's
     *                                  shape changed since the optimizer first saw it
     */
    void step(List<Param> params);
}
