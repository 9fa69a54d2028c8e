package io.github.tapegrad.engine.tensor;

import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * An immutable n-dimensional array of doubles.
 *
 * <p>Storage is an EJML {@link DMatrixRMaj} in row-major order with {@code rows = d0·d1·…·d(n-2)} and
 * {@code cols = d(n-1)}; a scalar is 1×1 and a vector of length n is 1×n. Two-dimensional work therefore
 * goes straight to EJML kernels. Elementwise binary operations follow NumPy's broadcasting rules.
 *
 * <p><b>Never modified.</b> Every factory copies its input and every accessor that exposes values returns a copy, so
 * a Tensor is safe to share between threads. A tensor made in a tape's {@link Arena} (the value of a step that reuses
 * memory) lives until that tape is rewound or closed; after that, every read of it throws
 * {@link ReclaimedValueException} naming the op that made it, never showing another step's numbers. {@link #copy()}
 * keeps such a value beyond its step.
 */
public final class Tensor {
    private final int[] shape;
    private final DMatrixRMaj data;
    /** The arena whose step this tensor's storage belongs to, or null when the tensor owns its storage. */
    private final Arena arena;
    private final int step;
    private final String madeBy;

    /** Takes ownership of {@code data}; callers in this package must not modify it afterwards. */
    Tensor(int[] shape, DMatrixRMaj data) {
        this(shape, data, null, 0, null);
    }

    /** A tensor over arena memory of the given step; every read checks that the step is still live. */
    Tensor(int[] shape, DMatrixRMaj data, Arena arena, int step, String madeBy) {
        this.shape = shape;
        this.data = data;
        this.arena = arena;
        this.step = step;
        this.madeBy = madeBy;
    }

    /** The storage, after checking that it has not been reclaimed. Every read goes through here. */
    DMatrixRMaj data() {
        if (arena != null) arena.checkLive(step, madeBy);
        return data;
    }

    /** Whether this tensor's storage has been reclaimed (reading it would throw). */
    public boolean isReclaimed() {
        return arena != null && !arena.isLive(step);
    }

    /**
     * A tensor over {@code values}. NOTE: when {@code values} came from {@link #buffer} inside an arena scope, the tensor
     * belongs to that arena's step; any other array is owned for good.
     */
    private static Tensor owning(int[] shape, double[] values) {
        Arena arena = Arena.active();
        if (arena != null) {
            Tensor leased = arena.adoptPending(shape, values);
            if (leased != null) return leased;
        }
        DMatrixRMaj m = new DMatrixRMaj(0, 0);
        m.data = values;
        m.numRows = Shapes.matrixRows(shape);
        m.numCols = Shapes.matrixCols(shape);
        return new Tensor(shape, m);
    }

    /** Zeroed storage for an operation's result: fresh, or the arena's while a scope is open on this thread. */
    private static double[] buffer(int[] shape) {
        Arena arena = Arena.active();
        int n = Math.max(1, Shapes.size(shape));
        return arena == null ? new double[n] : arena.takeArray(n);
    }

    // ------------------------------------------------------------------ factories

    /** A rank-0 tensor holding {@code value}. */
    public static Tensor scalar(double value) {
        return owning(new int[0], new double[] {value});
    }

    /** A rank-1 tensor; the values are copied. */
    public static Tensor vector(double... values) {
        Shapes.nonNull("vector", "the values", values);
        return owning(new int[] {values.length}, values.clone());
    }

    /** A rank-2 tensor from rows of equal length; the values are copied. */
    public static Tensor matrix(double[][] rows) {
        Shapes.nonNull("matrix", "the rows", rows);
        for (int i = 0; i < rows.length; i++) Shapes.nonNull("matrix", "row " + i, rows[i]);
        int r = rows.length;
        int c = r == 0 ? 0 : rows[0].length;
        double[] v = new double[Math.max(1, r * c)];
        for (int i = 0; i < r; i++) {
            if (rows[i].length != c) {
                throw new IllegalArgumentException("matrix: row " + i + " has " + rows[i].length + " values, expected " + c);
            }
            System.arraycopy(rows[i], 0, v, i * c, c);
        }
        return owning(new int[] {r, c}, v);
    }

    /** A tensor of the given shape from row-major values; the values are copied. */
    public static Tensor of(double[] values, int... shape) {
        Shapes.nonNull("of", "the values", values);
        int[] s = Shapes.checked(shape);
        if (values.length != Shapes.size(s)) {
            throw new IllegalArgumentException("of: " + values.length + " values do not fill shape " + Shapes.format(s)
                    + " (" + Shapes.size(s) + " elements)");
        }
        double[] v = new double[Math.max(1, values.length)];
        System.arraycopy(values, 0, v, 0, values.length);
        return owning(s, v);
    }

    /** A rank-2 tensor copied from an EJML matrix. */
    public static Tensor fromMatrix(DMatrixRMaj m) {
        Shapes.nonNull("fromMatrix", "the matrix", m);
        return of(Arrays.copyOf(m.data, m.numRows * m.numCols), m.numRows, m.numCols);
    }

    /** A rank-2 tensor over {@code m} itself, without copying: the caller hands the matrix over (see {@link RawStorage}). */
    static Tensor adopt(DMatrixRMaj m) {
        if (m.data.length < m.numRows * m.numCols) throw new IllegalArgumentException("adopt: matrix data is shorter than its shape");
        return new Tensor(new int[] {m.numRows, m.numCols}, m);
    }

    /** An owned copy: for keeping a value beyond the step of the arena that made it. */
    public Tensor copy() {
        return owning(shape, Arrays.copyOf(data().data, Math.max(1, size())));
    }

    /** All zeros. */
    public static Tensor zeros(int... shape) {
        int[] s = Shapes.checked(shape);
        return owning(s, buffer(s));
    }

    /** All ones. */
    public static Tensor ones(int... shape) {
        return full(1.0, shape);
    }

    /** Every element equal to {@code value}. */
    public static Tensor full(double value, int... shape) {
        int[] s = Shapes.checked(shape);
        double[] v = buffer(s);
        Arrays.fill(v, value);
        return owning(s, v);
    }

    /** Standard normal values from a generator seeded with {@code seed}. */
    public static Tensor randn(long seed, int... shape) {
        return normal(new Random(seed), 0.0, 1.0, shape);
    }

    /** Normal values N(mean, std²) drawn in row-major order from {@code rng}. */
    public static Tensor normal(Random rng, double mean, double std, int... shape) {
        Shapes.nonNull("normal", "the generator", rng);
        int[] s = Shapes.checked(shape);
        double[] v = buffer(s);
        for (int i = 0, n = Shapes.size(s); i < n; i++) v[i] = mean + std * rng.nextGaussian();
        return owning(s, v);
    }

    /** Uniform values in [lo, hi) from a generator seeded with {@code seed}. */
    public static Tensor uniform(long seed, double lo, double hi, int... shape) {
        return uniform(new Random(seed), lo, hi, shape);
    }

    /** Uniform values in [lo, hi) drawn in row-major order from {@code rng}. */
    public static Tensor uniform(Random rng, double lo, double hi, int... shape) {
        Shapes.nonNull("uniform", "the generator", rng);
        int[] s = Shapes.checked(shape);
        double[] v = buffer(s);
        for (int i = 0, n = Shapes.size(s); i < n; i++) v[i] = lo + (hi - lo) * rng.nextDouble();
        return owning(s, v);
    }

    /**
     * One-hot rows: {@code out[i, labels[i]] = 1}.
     *
     * @throws IllegalArgumentException naming the row when a label is outside [0, classes)
     */
    public static Tensor oneHot(int[] labels, int classes) {
        Shapes.nonNull("oneHot", "the labels", labels);
        double[] v = new double[Math.max(1, labels.length * classes)];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("oneHot: label " + labels[i] + " at row " + i
                        + " out of range [0, " + classes + ")");
            }
            v[i * classes + labels[i]] = 1.0;
        }
        return owning(new int[] {labels.length, classes}, v);
    }

    /**
     * Joins tensors along an axis; all other dimensions must agree.
     *
     * @throws IllegalArgumentException naming the first tensor whose shape does not fit
     */
    public static Tensor concat(int axis, Tensor... parts) {
        Shapes.nonNull("concat", "the tensors", parts);
        for (int i = 0; i < parts.length; i++) Shapes.nonNull("concat", "tensor " + i, parts[i]);
        if (parts.length == 0) throw new IllegalArgumentException("concat: no tensors given");
        int[] first = parts[0].shape;
        int ax = Shapes.axis("concat", axis, first.length);
        int total = 0;
        for (int p = 0; p < parts.length; p++) {
            int[] s = parts[p].shape;
            boolean fits = s.length == first.length;
            for (int i = 0; fits && i < s.length; i++) fits = i == ax || s[i] == first[i];
            if (!fits) {
                throw new IllegalArgumentException("concat: tensor " + p + " has shape " + Shapes.format(s)
                        + ", which does not fit " + Shapes.format(first) + " along axis " + ax);
            }
            total += s[ax];
        }
        int[] out = first.clone();
        out[ax] = total;
        int outer = 1;
        for (int i = 0; i < ax; i++) outer *= first[i];
        int inner = 1;
        for (int i = ax + 1; i < first.length; i++) inner *= first[i];
        double[] v = buffer(out);
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (Tensor t : parts) {
                int chunk = t.shape[ax] * inner;
                System.arraycopy(t.data().data, o * chunk, v, pos, chunk);
                pos += chunk;
            }
        }
        return owning(out, v);
    }

    /** {@code mask != 0 ? a : b}, elementwise with broadcasting of all three. */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) {
        Shapes.nonNull("where", "the mask", mask);
        Shapes.nonNull("where", "a", a);
        Shapes.nonNull("where", "b", b);
        int[] s = Shapes.broadcast("where", Shapes.broadcast("where", mask.shape, a.shape), b.shape);
        Tensor m = mask.broadcastTo(s);
        Tensor x = a.broadcastTo(s);
        Tensor y = b.broadcastTo(s);
        double[] v = buffer(s);
        Kernels.select(m.data().data, x.data().data, y.data().data, Shapes.size(s), v);
        return owning(s, v);
    }

    // ------------------------------------------------------------------ shape and elements

    /** The dimensions; a copy. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of dimensions: 0 for a scalar. */
    public int rank() {
        return shape.length;
    }

    /** Size of one dimension; negative axes count from the end. */
    public int dim(int axis) {
        return shape[Shapes.axis("dim", axis, shape.length)];
    }

    /** Number of elements. */
    public int size() {
        return Shapes.size(shape);
    }

    /** The element at a multi-index with one index per dimension. */
    public double get(int... index) {
        Shapes.nonNull("get", "the index", index);
        if (index.length != shape.length) {
            throw new IllegalArgumentException("get: " + index.length + " indices for shape " + Shapes.format(shape));
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("get: index " + Arrays.toString(index) + " out of bounds for shape "
                        + Shapes.format(shape));
            }
            flat = flat * shape[i] + index[i];
        }
        return data().data[flat];
    }

    /** The element at a flat row-major position. */
    public double getFlat(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("getFlat: index " + index + " out of bounds for size " + size());
        }
        return data().data[index];
    }

    /** The single value of a tensor with exactly one element. */
    public double item() {
        if (size() != 1) {
            throw new IllegalStateException("item: tensor of shape " + Shapes.format(shape) + " has " + size() + " elements, not 1");
        }
        return data().data[0];
    }

    /** Row-major values; a copy. */
    public double[] toArray() {
        return Arrays.copyOf(data().data, size());
    }

    /** Rows of a rank-2 tensor (a rank-1 tensor gives one row); a copy. */
    public double[][] toArray2d() {
        if (shape.length > 2 || shape.length == 0) {
            throw new IllegalStateException("toArray2d: needs rank 1 or 2, got shape " + Shapes.format(shape));
        }
        int r = data().numRows;
        int c = data().numCols;
        double[][] out = new double[r][c];
        for (int i = 0; i < r; i++) System.arraycopy(data().data, i * c, out[i], 0, c);
        return out;
    }

    /** Values rounded to int, for index tensors such as the result of {@link #argmax(int)}. */
    public int[] toIntArray() {
        int n = size();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = (int) data().data[i];
        return out;
    }

    /** A copy of the backing matrix ({@code rows = product of leading dims}, {@code cols = last dim}). */
    public DMatrixRMaj toMatrix() {
        DMatrixRMaj m = new DMatrixRMaj(data().numRows, data().numCols);
        System.arraycopy(data().data, 0, m.data, 0, size());
        return m;
    }

    /**
     * Copies the values into {@code dst}, reshaping it to this tensor's matrix shape; reuses its array when large enough.
     *
     * @param dst destination. Modified.
     * @return {@code dst}
     */
    public DMatrixRMaj copyTo(DMatrixRMaj dst) {
        Shapes.nonNull("copyTo", "the destination", dst);
        dst.reshape(data().numRows, data().numCols);
        System.arraycopy(data().data, 0, dst.data, 0, size());
        return dst;
    }

    /** True if any element is NaN or infinite. */
    public boolean hasNonFinite() {
        return firstNonFinite() >= 0;
    }

    /** Flat index of the first NaN or infinite element, or -1. */
    public int firstNonFinite() {
        double[] d = data().data;
        for (int i = 0, n = size(); i < n; i++) if (!Double.isFinite(d[i])) return i;
        return -1;
    }

    // ------------------------------------------------------------------ elementwise

    private Tensor unary(Kernels.Unary f) {
        double[] v = buffer(shape);
        Kernels.unary(f, data().data, size(), v);
        return owning(shape, v);
    }

    private Tensor binary(String name, Kernels.Binary op, Tensor other) {
        Shapes.nonNull(name, "the other operand", other);
        int[] s = Arrays.equals(shape, other.shape) ? shape : Shapes.broadcast(name, shape, other.shape);
        Tensor a = broadcastTo(s);
        Tensor b = other.broadcastTo(s);
        double[] v = buffer(s);
        Kernels.binary(op, a.data().data, b.data().data, Shapes.size(s), v);
        return owning(s, v);
    }

    /** {@code this + other}, broadcasting. */
    public Tensor add(Tensor other) {
        return binary("add", Kernels.Binary.ADD, other);
    }

    /** {@code this - other}, broadcasting. */
    public Tensor sub(Tensor other) {
        return binary("sub", Kernels.Binary.SUB, other);
    }

    /** {@code this ∘ other} (elementwise), broadcasting. */
    public Tensor mul(Tensor other) {
        return binary("mul", Kernels.Binary.MUL, other);
    }

    /** {@code this / other} (elementwise), broadcasting. */
    public Tensor div(Tensor other) {
        return binary("div", Kernels.Binary.DIV, other);
    }

    /** Elementwise minimum, broadcasting; NaN propagates. */
    public Tensor minimum(Tensor other) {
        return binary("minimum", Kernels.Binary.MIN, other);
    }

    /** Elementwise maximum, broadcasting; NaN propagates. */
    public Tensor maximum(Tensor other) {
        return binary("maximum", Kernels.Binary.MAX, other);
    }

    /** {@code s·this}. */
    public Tensor mul(double s) {
        double[] v = buffer(shape);
        Kernels.affine(data().data, s, 0.0, size(), v);
        return owning(shape, v);
    }

    /** {@code this + c}. */
    public Tensor add(double c) {
        double[] v = buffer(shape);
        Kernels.affine(data().data, 1.0, c, size(), v);
        return owning(shape, v);
    }

    /** {@code -this}. */
    public Tensor neg() {
        return unary(Kernels.Unary.NEG);
    }

    /** {@code e^this}. */
    public Tensor exp() {
        return unary(Kernels.Unary.EXP);
    }

    /** Natural logarithm. */
    public Tensor log() {
        return unary(Kernels.Unary.LOG);
    }

    /** {@code log(1 + this)}, accurate for small values. */
    public Tensor log1p() {
        return unary(Kernels.Unary.LOG1P);
    }

    /** Square root. */
    public Tensor sqrt() {
        return unary(Kernels.Unary.SQRT);
    }

    /** Hyperbolic tangent. */
    public Tensor tanh() {
        return unary(Kernels.Unary.TANH);
    }

    /** Absolute value. */
    public Tensor abs() {
        return unary(Kernels.Unary.ABS);
    }

    /** {@code this^p} for a constant exponent. */
    public Tensor pow(double p) {
        double[] v = buffer(shape);
        Kernels.pow(data().data, p, size(), v);
        return owning(shape, v);
    }

    /** Each element limited to [lo, hi]; NaN stays NaN. */
    public Tensor clip(double lo, double hi) {
        if (!(lo <= hi)) throw new IllegalArgumentException("clip: lo " + lo + " > hi " + hi);
        double[] v = buffer(shape);
        double[] d = data().data;
        for (int i = 0, n = size(); i < n; i++) v[i] = Math.min(hi, Math.max(lo, d[i]));
        return owning(shape, v);
    }

    /** 1 where {@code this > c}, else 0 (NaN gives 0). */
    public Tensor greaterThan(double c) {
        double[] v = buffer(shape);
        double[] d = data().data;
        for (int i = 0, n = size(); i < n; i++) v[i] = d[i] > c ? 1.0 : 0.0;
        return owning(shape, v);
    }

    /** 1 where {@code this <= c}, else 0 (NaN gives 0). */
    public Tensor lessOrEqual(double c) {
        double[] v = buffer(shape);
        double[] d = data().data;
        for (int i = 0, n = size(); i < n; i++) v[i] = d[i] <= c ? 1.0 : 0.0;
        return owning(shape, v);
    }

    // ------------------------------------------------------------------ matrices and shapes

    /** Matrix product of two rank-2 tensors. */
    public Tensor matmul(Tensor other) {
        return matmul(other, false, false);
    }

    /**
     * {@code op(this)·op(other)} where op transposes when the flag is set; no transpose is built.
     *
     * @throws IllegalArgumentException {@code matmul: cannot multiply (AxB) by (CxD)} on an inner-size mismatch
     */
    public Tensor matmul(Tensor other, boolean transThis, boolean transOther) {
        Shapes.nonNull("matmul", "the other operand", other);
        if (shape.length != 2 || other.shape.length != 2) {
            throw new IllegalArgumentException("matmul: needs two rank-2 tensors, got " + Shapes.format(shape)
                    + " and " + Shapes.format(other.shape));
        }
        Arena arena = Arena.active();
        DMatrixRMaj out = arena == null ? new DMatrixRMaj(1, 1) : arena.matrix(1, 1);
        Gemm.mult(data(), transThis, other.data(), transOther, out);
        int[] s = {out.numRows, out.numCols};
        return arena == null ? new Tensor(s, out) : arena.adoptMatrix(s, out);
    }

    /**
     * The sliding windows of this (N, C, H, W) tensor as the rows of a matrix (im2col; see {@link Windows}), padding
     * read as 0.
     */
    public Tensor unfold(int fh, int fw, int stride, int pad) {
        return unfold(fh, fw, stride, pad, 0.0);
    }

    /** {@link #unfold(int, int, int, int)} with padding positions read as {@code padValue} (max pooling pads with −∞). */
    public Tensor unfold(int fh, int fw, int stride, int pad, double padValue) {
        Windows win = Windows.of("unfold", shape, fh, fw, stride, pad);
        int[] s = {win.rows(), win.cols()};
        double[] v = buffer(s);
        win.unfold(data().data, padValue, v);
        return owning(s, v);
    }

    /**
     * The adjoint of {@link #unfold}: this (N·OH·OW, C·FH·FW) matrix's entries added back to the positions of an input of
     * {@code inputShape} (col2im).
     *
     * @throws IllegalArgumentException when this matrix's shape is not the unfolded shape of {@code inputShape}
     */
    public Tensor fold(int[] inputShape, int fh, int fw, int stride, int pad) {
        Windows win = Windows.of("fold", Shapes.nonNull("fold", "the input shape", inputShape), fh, fw, stride, pad);
        if (shape.length != 2 || shape[0] != win.rows() || shape[1] != win.cols()) {
            throw new IllegalArgumentException("fold: a " + Shapes.format(shape) + " matrix is not the unfolded form of "
                    + Shapes.format(inputShape) + " with " + fh + "x" + fw + " windows, stride " + stride + ", pad " + pad
                    + ", which is (" + win.rows() + "x" + win.cols() + ")");
        }
        int[] s = inputShape.clone();
        double[] v = buffer(s);
        win.fold(data().data, v);
        return owning(s, v);
    }

    /** Transpose of a rank-2 tensor. */
    public Tensor transpose() {
        Shapes.checkRank("transpose", shape, 2);
        Arena arena = Arena.active();
        DMatrixRMaj out = arena == null ? new DMatrixRMaj(shape[1], shape[0]) : arena.matrix(shape[1], shape[0]);
        org.ejml.dense.row.CommonOps_DDRM.transpose(data(), out);
        int[] s = {shape[1], shape[0]};
        return arena == null ? new Tensor(s, out) : arena.adoptMatrix(s, out);
    }

    /** The same values in a new shape with the same number of elements; one dimension may be -1. */
    public Tensor reshape(int... newShape) {
        Shapes.nonNull("reshape", "the shape", newShape);
        int[] s = Shapes.resolveReshape(shape, newShape);
        if (Arrays.equals(s, shape)) return this;
        double[] v = buffer(s);
        System.arraycopy(data().data, 0, v, 0, size());
        return owning(s, v);
    }

    /** This tensor repeated along the dimensions where it has size 1 (NumPy {@code broadcast_to}). */
    public Tensor broadcastTo(int... target) {
        Shapes.nonNull("broadcastTo", "the shape", target);
        if (Arrays.equals(shape, target)) return this;
        Shapes.checkBroadcastable("broadcastTo", shape, target);
        int[] s = target.clone();
        double[] v = buffer(s);
        Kernels.broadcast(data().data, shape, s, v);
        return owning(s, v);
    }

    // ------------------------------------------------------------------ reductions

    /** Sum of all elements, as a scalar. */
    public Tensor sum() {
        double acc = 0;
        double[] d = data().data;
        for (int i = 0, n = size(); i < n; i++) acc += d[i];
        return scalar(acc);
    }

    /** Sum along one axis; {@code keepDims} leaves a dimension of size 1 in its place. */
    public Tensor sum(int axis, boolean keepDims) {
        int ax = Shapes.axis("sum", axis, shape.length);
        int[] out = Shapes.reduce(shape, ax, keepDims);
        double[] v = buffer(out);
        Kernels.sumAxis(data().data, outer(ax), shape[ax], inner(ax), v);
        return owning(out, v);
    }

    /** Sum that reduces this tensor to {@code target}, the inverse of broadcasting to this shape. */
    public Tensor sumTo(int... target) {
        Shapes.nonNull("sumTo", "the shape", target);
        if (Arrays.equals(shape, target)) return this;
        Shapes.checkBroadcastable("sumTo", target, shape);
        Tensor t = this;
        int lead = shape.length - target.length;
        for (int i = 0; i < lead; i++) t = t.sum(0, false);
        for (int i = 0; i < target.length; i++) {
            if (target[i] == 1 && t.shape[i] != 1) t = t.sum(i, true);
        }
        return t;
    }

    /** Mean of all elements. */
    public Tensor mean() {
        return scalar(sum().item() / size());
    }

    /** Mean along one axis. */
    public Tensor mean(int axis, boolean keepDims) {
        int ax = Shapes.axis("mean", axis, shape.length);
        return sum(ax, keepDims).mul(1.0 / shape[ax]);
    }

    /** Maximum of all elements, as a scalar; NaN if any element is NaN. */
    public Tensor max() {
        if (size() == 0) throw new IllegalStateException("max: empty tensor of shape " + Shapes.format(shape));
        double[] out = new double[1];
        Kernels.maxAxis(data().data, 1, size(), 1, out, null);
        return scalar(out[0]);
    }

    /** Maximum along one axis. */
    public Tensor max(int axis, boolean keepDims) {
        int ax = Shapes.axis("max", axis, shape.length);
        if (shape[ax] == 0) throw new IllegalStateException("max: axis " + ax + " of " + Shapes.format(shape) + " is empty");
        int[] out = Shapes.reduce(shape, ax, keepDims);
        double[] v = buffer(out);
        Kernels.maxAxis(data().data, outer(ax), shape[ax], inner(ax), v, null);
        return owning(out, v);
    }

    /** Index of the first maximum along an axis, as a tensor of whole numbers (not differentiable). */
    public Tensor argmax(int axis) {
        int ax = Shapes.axis("argmax", axis, shape.length);
        if (shape[ax] == 0) throw new IllegalStateException("argmax: axis " + ax + " of " + Shapes.format(shape) + " is empty");
        int[] out = Shapes.reduce(shape, ax, false);
        int n = Shapes.size(out);
        int[] arg = new int[n];
        Kernels.maxAxis(data().data, outer(ax), shape[ax], inner(ax), new double[Math.max(1, n)], arg);
        double[] v = buffer(out);
        for (int i = 0; i < n; i++) v[i] = arg[i];
        return owning(out, v);
    }

    /**
     * A 0/1 tensor of this shape with a single 1 at the first maximum of each slice along {@code axis}.
     * Used by the gradient of max, which routes each slice's gradient to one element.
     */
    public Tensor argmaxMask(int axis) {
        int ax = Shapes.axis("argmaxMask", axis, shape.length);
        int outer = outer(ax);
        int mid = shape[ax];
        int inner = inner(ax);
        int[] arg = new int[outer * inner];
        Kernels.maxAxis(data().data, outer, mid, inner, new double[Math.max(1, outer * inner)], arg);
        double[] v = buffer(shape);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) v[(o * mid + arg[o * inner + i]) * inner + i] = 1.0;
        }
        return owning(shape, v);
    }

    private int outer(int ax) {
        int o = 1;
        for (int i = 0; i < ax; i++) o *= shape[i];
        return o;
    }

    private int inner(int ax) {
        int o = 1;
        for (int i = ax + 1; i < shape.length; i++) o *= shape[i];
        return o;
    }

    // ------------------------------------------------------------------ rows

    /** Rows (entries along axis 0) at the given indices, in that order; indices may repeat. */
    public Tensor takeRows(int... indices) {
        Shapes.nonNull("takeRows", "the indices", indices);
        if (shape.length == 0) throw new IllegalArgumentException("takeRows: a scalar has no rows");
        int rowSize = inner(0);
        int[] out = shape.clone();
        out[0] = indices.length;
        double[] v = buffer(out);
        for (int i = 0; i < indices.length; i++) {
            int r = indices[i];
            if (r < 0 || r >= shape[0]) {
                throw new IndexOutOfBoundsException("takeRows: index " + r + " at position " + i
                        + " out of range [0, " + shape[0] + ")");
            }
            System.arraycopy(data().data, r * rowSize, v, i * rowSize, rowSize);
        }
        return owning(out, v);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) along axis 0. */
    public Tensor sliceRows(int from, int to) {
        if (shape.length == 0) throw new IllegalArgumentException("sliceRows: a scalar has no rows");
        if (from < 0 || to > shape[0] || from > to) {
            throw new IndexOutOfBoundsException("sliceRows: [" + from + ", " + to + ") out of range for " + shape[0] + " rows");
        }
        int rowSize = inner(0);
        int[] out = shape.clone();
        out[0] = to - from;
        double[] v = buffer(out);
        System.arraycopy(data().data, from * rowSize, v, 0, (to - from) * rowSize);
        return owning(out, v);
    }

    /** For a rank-2 tensor, {@code out[i] = this[i, columns[i]]}: one entry per row, e.g. the logit of each label. */
    public Tensor gatherPerRow(int... columns) {
        Shapes.nonNull("gatherPerRow", "the columns", columns);
        Shapes.checkRank("gatherPerRow", shape, 2);
        if (columns.length != shape[0]) {
            throw new IllegalArgumentException("gatherPerRow: " + columns.length + " indices for " + shape[0] + " rows");
        }
        double[] v = new double[Math.max(1, columns.length)];
        for (int i = 0; i < columns.length; i++) {
            if (columns[i] < 0 || columns[i] >= shape[1]) {
                throw new IndexOutOfBoundsException("gatherPerRow: index " + columns[i] + " at row " + i
                        + " out of range [0, " + shape[1] + ")");
            }
            v[i] = data().data[i * shape[1] + columns[i]];
        }
        return owning(new int[] {columns.length}, v);
    }

    // ------------------------------------------------------------------ comparison and printing

    /**
     * True when the shapes are equal and every element is within {@code tolerance} of {@code other}'s, as
     * {@code |a - b| <= atol + rtol·|b|} (NumPy's {@code allclose}; equal infinities are close); NaNs are never close.
     */
    public boolean allClose(Tensor other, Tolerance tolerance) {
        Shapes.nonNull("allClose", "the other tensor", other);
        Shapes.nonNull("allClose", "the tolerance", tolerance);
        if (!Arrays.equals(shape, other.shape)) return false;
        double[] a = data().data;
        double[] b = other.data().data;
        for (int i = 0, n = size(); i < n; i++) {
            if (!tolerance.accepts(a[i], b[i]) && a[i] != b[i]) return false;
        }
        return true;
    }

    /** Exact equality of shape and every element ({@link Double#equals} semantics: NaN equals NaN). */
    @Override
    public boolean equals(Object o) {
        double[] a = data().data;
        if (this == o) return true;
        if (!(o instanceof Tensor t) || !Arrays.equals(shape, t.shape)) return false;
        double[] b = t.data().data;
        for (int i = 0, n = size(); i < n; i++) {
            if (Double.doubleToLongBits(a[i]) != Double.doubleToLongBits(b[i])) return false;
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(shape);
        double[] d = data().data;
        for (int i = 0, n = Math.min(size(), 64); i < n; i++) h = 31 * h + Double.hashCode(d[i]);
        return h;
    }

    /** NumPy-like text: nested brackets, and {@code ...} in place of the middle of long dimensions. */
    @Override
    public String toString() {
        // NOTE: a description, not a read: a debugger or log line must not throw, and it shows no numbers
        if (isReclaimed()) return "Tensor" + Shapes.format(shape) + "[reclaimed: " + madeBy + "]";
        return TensorFormat.format(data().data, shape);
    }
}
