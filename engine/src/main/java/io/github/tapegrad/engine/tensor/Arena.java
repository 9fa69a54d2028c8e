package io.github.tapegrad.engine.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.ejml.data.DMatrixRMaj;

/**
 * The one place where tapegrad reuses memory: a step's storage, handed out in order and reclaimed as a whole.
 *
 * <p>A tape owns an arena. Within one step (between two {@link #reclaim()}s, which {@code Tape.rewind()} calls) the
 * k-th request gets the k-th buffer, made on first use and reused by the k-th request of every later step, so a
 * training loop that records the same graph each step allocates no array storage once the first step has run.
 *
 * <p>Tensors made here ({@link #tensor}, {@link #borrow}) belong to the step: after {@link #reclaim()} every read of
 * them throws {@link ReclaimedValueException} naming the op that made them. A value is therefore either the numbers it
 * was made with or an error, never another step's numbers. {@link Tensor#copy()} keeps one beyond its step.
 *
 * <p>While a {@link #valuesFrom scope} is open on a thread, the tensor operations that thread runs take their storage
 * from the arena too: the reverse walk of a plain gradient request opens one, so a step's intermediate gradients reuse
 * the previous step's memory instead of being allocated and collected again.
 *
 * <p>Not thread-safe: one thread records and rewinds a tape.
 */
public final class Arena {
    /** The arena whose scope is open on this thread, if any. */
    private static final ThreadLocal<Arena> ACTIVE = new ThreadLocal<>();
    private final List<DMatrixRMaj> matrices = new ArrayList<>();
    private final List<Object> keys = new ArrayList<>();
    private final List<Object> objects = new ArrayList<>();
    private int nextMatrix;
    private int nextObject;
    private int step;
    private String reclaimedBy = "rewind";
    /** What the open scope's values are made by, for the message of a read after reclaim. */
    private String maker;
    /** The array {@link #takeArray} handed out last: the one a tensor operation is about to wrap. */
    private double[] pending;

    /**
     * The step's next matrix, reshaped to rows × cols (its array reused when large enough). Its contents are
     * unspecified: the caller overwrites it, then turns it into a value with {@link #tensor}.
     */
    public DMatrixRMaj matrix(int rows, int cols) {
        DMatrixRMaj m;
        if (nextMatrix < matrices.size()) {
            m = matrices.get(nextMatrix);
            m.reshape(rows, cols, false);
        } else {
            m = new DMatrixRMaj(rows, cols);
            matrices.add(m);
        }
        nextMatrix++;
        return m;
    }

    /**
     * The step's next reusable object: the one made at this position in the previous step if it was made for an equal
     * {@code key}, else a new one from {@code make}. For objects that keep buffers of their own, such as a layer whose
     * output and saved values an op turns into tensors with {@link #tensor}.
     */
    public <T> T reuse(Object key, Supplier<T> make) {
        Object found = null;
        if (nextObject < objects.size() && keys.get(nextObject).equals(key)) {
            found = objects.get(nextObject);
        } else {
            found = make.get();
            if (nextObject < objects.size()) {
                keys.set(nextObject, key);
                objects.set(nextObject, found);
            } else {
                keys.add(key);
                objects.add(found);
            }
        }
        nextObject++;
        @SuppressWarnings("unchecked")
        T t = (T) found;
        return t;
    }

    /**
     * A value over memory of this step (a {@link #matrix} or a buffer of a {@link #reuse}d object), without copying.
     * The caller must not write to {@code m} again within this step.
     *
     * @param madeBy the op that made the value, named when a read after reclaim throws
     * @param shape  the value's shape; {@code m} is read as its row-major storage
     * @throws IllegalArgumentException when the shape's size differs from the matrix's
     */
    public Tensor tensor(DMatrixRMaj m, String madeBy, int... shape) {
        int[] s = Shapes.checked(shape);
        if (Shapes.size(s) != m.numRows * m.numCols) {
            throw new IllegalArgumentException(madeBy + ": shape " + Shapes.format(s) + " does not fit a (" + m.numRows
                    + "x" + m.numCols + ") matrix");
        }
        DMatrixRMaj view = m;
        if (m.numRows != Shapes.matrixRows(s) || m.numCols != Shapes.matrixCols(s)) {
            // NOTE: a header over the same array in the tensor's own matrix shape; the header is small, the data shared
            view = new DMatrixRMaj(0, 0);
            view.data = m.data;
            view.numRows = Shapes.matrixRows(s);
            view.numCols = Shapes.matrixCols(s);
        }
        return new Tensor(s, view, this, step, madeBy);
    }

    /**
     * A rank-2 value over the caller's matrix for this step only, without copying: for inputs that the caller
     * changes between steps (a batch buffer, parameters an optimizer updates). The caller must not modify {@code m}
     * until this arena is reclaimed; after that, reads of the value throw.
     */
    public Tensor borrow(DMatrixRMaj m, String name) {
        return tensor(m, "borrowed value '" + name + "'", m.numRows, m.numCols);
    }

    /**
     * {@link #borrow} read as {@code shape}: the matrix's entries in row-major order, as many as the shape holds (a batch
     * of images kept as rows, read as (N, C, H, W)).
     *
     * @throws IllegalArgumentException when the shape's size differs from the matrix's
     */
    public Tensor borrow(DMatrixRMaj m, String name, int... shape) {
        return tensor(m, "borrowed value '" + name + "'", shape);
    }

    /** Ends the step: every value of it is reclaimed, and the next step's requests reuse its memory from the first. */
    public void reclaim() {
        reclaim("rewind");
    }

    /** {@link #reclaim()}, saying in later errors what reclaimed the memory (for example a tape's close). */
    public void reclaim(String why) {
        step++;
        nextMatrix = 0;
        nextObject = 0;
        reclaimedBy = why;
    }

    /**
     * Opens a scope on this thread: until it is closed, tensor operations on this thread take their storage from this
     * arena, and their results belong to the current step. Scopes nest; closing one restores the one before.
     *
     * @param madeBy what the scope's values are made by, named when a read after reclaim throws
     */
    public Scope valuesFrom(String madeBy) {
        Scope scope = new Scope(ACTIVE.get(), maker);
        ACTIVE.set(this);
        maker = madeBy;
        return scope;
    }

    /** An open {@link #valuesFrom} scope. */
    public final class Scope implements AutoCloseable {
        private final Arena previous;
        private final String previousMaker;

        private Scope(Arena previous, String previousMaker) {
            this.previous = previous;
            this.previousMaker = previousMaker;
        }

        /** Names what the values made from now on are made by. */
        public void madeBy(String madeBy) {
            maker = madeBy;
        }

        @Override
        public void close() {
            maker = previousMaker;
            pending = null;
            if (previous == null) ACTIVE.remove();
            else ACTIVE.set(previous);
        }
    }

    /** The arena whose scope is open on this thread, or null. */
    static Arena active() {
        return ACTIVE.get();
    }

    /** A zeroed array of at least {@code size} doubles from this step's memory, for a tensor operation's result. */
    double[] takeArray(int size) {
        boolean reused = nextMatrix < matrices.size();
        DMatrixRMaj m = matrix(1, size);
        // a new array is zeroed already; a reused one holds an earlier step's numbers
        if (reused) java.util.Arrays.fill(m.data, 0, size, 0.0);
        pending = m.data;
        return m.data;
    }

    /** A tensor over {@code values} when it is the array {@link #takeArray} handed out last; else null. */
    Tensor adoptPending(int[] shape, double[] values) {
        if (values != pending) return null;
        pending = null;
        DMatrixRMaj m = new DMatrixRMaj(0, 0);
        m.data = values;
        m.numRows = Shapes.matrixRows(shape);
        m.numCols = Shapes.matrixCols(shape);
        return new Tensor(shape, m, this, step, maker);
    }

    /** A tensor of the open scope over an arena matrix a tensor operation has filled. */
    Tensor adoptMatrix(int[] shape, DMatrixRMaj m) {
        return new Tensor(shape, m, this, step, maker);
    }

    /** Bytes of array storage this arena holds (for allocation reports). */
    public long bytes() {
        long b = 0;
        for (DMatrixRMaj m : matrices) b += 8L * m.data.length;
        return b;
    }

    boolean isLive(int step) {
        return step == this.step;
    }

    void checkLive(int step, String madeBy) {
        if (step != this.step) {
            throw new ReclaimedValueException("the value made by " + madeBy + " was reclaimed by its tape's " + reclaimedBy
                    + " (" + (this.step - step) + " step(s) ago): its memory now belongs to a later step. Read it before"
                    + " rewinding, or keep it with Tensor.copy()");
        }
    }
}
