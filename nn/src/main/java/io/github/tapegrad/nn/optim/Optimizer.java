package io.github.tapegrad.nn.optim;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters in place from their gradients, after backward (never inside it), whichever path computed the
 * gradients: hand-written layers or the tape. The update rules and defaults are those of the book's chapter 6
 * ({@code common/optimizer.py}); each class says where that differs from the original paper.
 *
 * <p>State (velocities, squared-gradient sums, moments) is kept per parameter matrix, by identity, and created
 * zero-filled on first use as the book does.
 */
public abstract sealed class Optimizer permits Sgd, Momentum, Nesterov, AdaGrad, RmsProp, Adam {
    private final Map<Object, double[][]> state = new IdentityHashMap<>();

    /** One update of every parameter. */
    public final void step(List<Param> params) {
        beforeStep();
        for (Param p : params) {
            double[][] s = state.computeIfAbsent(p.value(), v -> new double[stateArrays()][p.value().getNumElements()]);
            update(p.value().data, p.grad().data, p.value().getNumElements(), s);
        }
    }

    /** Number of state arrays per parameter (0 for SGD). */
    abstract int stateArrays();

    /** Called once per step before the parameters are updated. */
    void beforeStep() {}

    /** Updates {@code n} entries of {@code w} from {@code g}. */
    abstract void update(double[] w, double[] g, int n, double[][] state);

    /** The optimizer's name and hyperparameters. */
    @Override
    public abstract String toString();

    static double positive(String what, double v) {
        if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException(what + " must be a positive number, got " + v);
        return v;
    }

    static double fraction(String what, double v) {
        if (!(v >= 0 && v < 1)) throw new IllegalArgumentException(what + " must be in [0, 1), got " + v);
        return v;
    }
}
