package io.github.tapegrad.engine.tensor;

import java.util.Arrays;

/**
 * The one place for shape arithmetic, shape checks and their messages.
 *
 * <p>Shapes are {@code int[]} arrays of non-negative dimensions; rank 0 is the empty array. They print as
 * {@code (100x784)}, {@code (5)} and {@code ()} for a scalar.
 */
public final class Shapes {
    private Shapes() {}

    /** Formats a shape as {@code (d0xd1x...)}; a scalar is {@code ()}. */
    public static String format(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append('x');
            sb.append(shape[i]);
        }
        return sb.append(')').toString();
    }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + format(shape) + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    /** Validates a user-supplied shape and returns a defensive copy. */
    /**
     * {@code value}, or an {@link IllegalArgumentException} naming the operation and the argument when it is null (never
     * a bare NullPointerException from deeper down).
     */
    public static <T> T nonNull(String op, String argument, T value) {
        if (value == null) throw new IllegalArgumentException(op + ": " + argument + " must not be null");
        return value;
    }

    public static int[] checked(int[] shape) {
        if (shape == null) throw new IllegalArgumentException("shape must not be null");
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
        }
        size(shape);
        return shape.clone();
    }

    /** Rows of the backing matrix: the product of all dimensions but the last (1 for rank 0 and 1). */
    static int matrixRows(int[] shape) {
        if (shape.length <= 1) return 1;
        int r = 1;
        for (int i = 0; i < shape.length - 1; i++) r *= shape[i];
        return r;
    }

    /** Columns of the backing matrix: the last dimension (1 for a scalar). */
    static int matrixCols(int[] shape) {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** Normalises a possibly negative axis against a rank; names the operation when it is out of range. */
    public static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for rank " + rank);
        }
        return a;
    }

    /**
     * The NumPy broadcast of two shapes: align trailing dimensions; each pair must be equal or contain a 1.
     *
     * @throws IllegalArgumentException naming the operation and both shapes when they do not broadcast
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + format(a) + " and " + format(b)
                        + " cannot be broadcast together (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Checks that {@code from} can be broadcast to exactly {@code to} (NumPy's {@code broadcast_to} rule). */
    public static void checkBroadcastable(String op, int[] from, int[] to) {
        boolean ok = from.length <= to.length;
        for (int i = 0; ok && i < from.length; i++) {
            int d = from[from.length - 1 - i];
            int t = to[to.length - 1 - i];
            ok = d == t || d == 1;
        }
        if (!ok) {
            throw new IllegalArgumentException(op + ": cannot broadcast " + format(from) + " to " + format(to));
        }
    }

    /** Requires two shapes to be equal. */
    public static void checkSame(String op, int[] a, int[] b) {
        if (!Arrays.equals(a, b)) {
            throw new IllegalArgumentException(op + ": shapes differ: " + format(a) + " vs " + format(b));
        }
    }

    /** Requires a given rank. */
    public static void checkRank(String op, int[] shape, int rank) {
        if (shape.length != rank) {
            throw new IllegalArgumentException(op + ": expected a rank-" + rank + " tensor but got shape " + format(shape));
        }
    }

    /** The shape of {@code shape} with one axis removed, or set to 1 when {@code keepDims}. */
    public static int[] reduce(int[] shape, int axis, boolean keepDims) {
        if (keepDims) {
            int[] out = shape.clone();
            out[axis] = 1;
            return out;
        }
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != axis) out[j++] = shape[i];
        return out;
    }

    /** Resolves a reshape target with at most one {@code -1} against a total size. */
    static int[] resolveReshape(int[] from, int[] to) {
        int[] out = to.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (unknown >= 0) throw new IllegalArgumentException("reshape: more than one -1 in " + Arrays.toString(to));
                unknown = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("reshape: negative dimension in " + Arrays.toString(to));
            } else {
                known *= out[i];
            }
        }
        int size = size(from);
        if (unknown >= 0) {
            if (known == 0 || size % known != 0) {
                throw new IllegalArgumentException("reshape: cannot reshape " + format(from) + " to " + Arrays.toString(to));
            }
            out[unknown] = (int) (size / known);
        } else if (known != size) {
            throw new IllegalArgumentException("reshape: cannot reshape " + format(from) + " (" + size
                    + " elements) to " + format(out) + " (" + known + " elements)");
        }
        return out;
    }

    /** Row-major strides of a shape. */
    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** Turns a flat row-major index into a multi-index, for reports. */
    public static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 0) return idx;
            idx[i] = flat % shape[i];
            flat /= shape[i];
        }
        return idx;
    }
}
