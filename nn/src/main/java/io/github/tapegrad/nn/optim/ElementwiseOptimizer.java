package io.github.tapegrad.nn.optim;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of optimizers that update each entry of a parameter from that entry's gradient and per-entry state
 * (velocities, squared-gradient sums, moments). The state is kept per parameter matrix, by identity, and created
 * zero-filled on first use, as the book does. Before any entry changes, every gradient is checked to be finite and
 * every parameter to have the shape it had when first seen, so that a bad step never leaves NaN weights or reads
 * past a state array.
 *
 * <p>A subclass says how many state arrays a parameter needs, optionally prepares each step ({@link #beforeStep}),
 * and updates a run of entries ({@link #update}).
 */
public abstract class ElementwiseOptimizer implements Optimizer {
    private final Map<Object, State> state = new IdentityHashMap<>();

    /** A parameter's state arrays and the shape they were made for. */
    private record State(int rows, int cols, double[][] arrays) {}

    @Override
    public final void step(List<Param> params) {
        for (int k = 0; k < params.size(); k++) check(params.get(k));
        beforeStep();
        for (int k = 0; k < params.size(); k++) {
            Param p = params.get(k);
            update(p.value().data, p.grad().data, p.value().getNumElements(), stateOf(p).arrays);
        }
    }

    private void check(Param p) {
        double[] g = p.grad().data;
        int n = p.grad().getNumElements();
        if (anyNonFinite(g, n)) {
            int i = 0;
            while (Double.isFinite(g[i])) i++;
            throw new IllegalArgumentException(this + ": the gradient of parameter " + p.name() + " holds " + g[i]
                    + " at entry " + i + "; no parameter was updated");
        }
        State s = state.get(p.value());
        if (s != null && (s.rows != p.value().numRows || s.cols != p.value().numCols)) {
            throw new IllegalArgumentException(this + ": parameter " + p.name() + " is now (" + p.value().numRows + "x"
                    + p.value().numCols + ") but was (" + s.rows + "x" + s.cols + ") when this optimizer first updated it");
        }
    }

    /**
     * Whether g[0, n) holds NaN or ±∞: an exponent field of all ones. NOTE: branch-free integer work (the field plus
     * one carries into bit 11 exactly when it is all ones), an OR over the whole array that the JIT can turn into vector
     * instructions, where a test per entry with an early exit is a branch per entry and stays scalar.
     */
    static boolean anyNonFinite(double[] g, int n) {
        long carry = 0;
        for (int i = 0; i < n; i++) carry |= ((Double.doubleToRawLongBits(g[i]) >>> 52) & 0x7ff) + 1;
        return (carry & 0x800) != 0;
    }

    // NOTE: get-then-put rather than computeIfAbsent with a capturing lambda: a step allocates nothing once every
    // parameter has its state
    private State stateOf(Param p) {
        State s = state.get(p.value());
        if (s == null) {
            s = new State(p.value().numRows, p.value().numCols, new double[stateArrays()][p.value().getNumElements()]);
            state.put(p.value(), s);
        }
        return s;
    }

    /** Number of state arrays per parameter (0 for SGD). */
    protected abstract int stateArrays();

    /** Called once per step, after the checks and before the parameters are updated. */
    protected void beforeStep() {}

    /**
     * Updates entries [0, n) of {@code w} from {@code g}.
     *
     * @param w     the parameter's entries. Modified.
     * @param g     its gradient's entries, all finite. Not modified.
     * @param state {@link #stateArrays()} arrays of n entries, zero at first, this parameter's own. Modified.
     */
    protected abstract void update(double[] w, double[] g, int n, double[][] state);

    /** The optimizer's name and hyperparameters, for messages and logs. */
    @Override
    public abstract String toString();

    /** {@code v}, when it is a finite number above 0; else an exception naming {@code what}. */
    protected static double positive(String what, double v) {
        if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException(what + " must be a positive number, got " + v);
        return v;
    }

    /** {@code v}, when it lies in [0, 1); else an exception naming {@code what}. */
    protected static double fraction(String what, double v) {
        if (!(v >= 0 && v < 1)) throw new IllegalArgumentException(what + " must be in [0, 1), got " + v);
        return v;
    }
}
