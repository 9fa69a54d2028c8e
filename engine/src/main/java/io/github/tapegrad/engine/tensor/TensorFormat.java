package io.github.tapegrad.engine.tensor;

/** NumPy-style printing: {@code [[1.0, 2.0], [3.0, 4.0]]}, with long dimensions summarised. */
final class TensorFormat {
    private static final int SUMMARY_THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;

    private TensorFormat() {}

    static String format(double[] values, int[] shape) {
        if (shape.length == 0) return number(values[0]);
        boolean summarise = Shapes.size(shape) > SUMMARY_THRESHOLD;
        StringBuilder sb = new StringBuilder();
        append(sb, values, shape, Shapes.strides(shape), 0, 0, summarise);
        return sb.toString();
    }

    private static void append(StringBuilder sb, double[] v, int[] shape, int[] strides, int dim, int offset,
                               boolean summarise) {
        sb.append('[');
        int n = shape[dim];
        boolean cut = summarise && n > 2 * EDGE_ITEMS;
        for (int i = 0; i < n; i++) {
            if (cut && i == EDGE_ITEMS) {
                sb.append(dim == shape.length - 1 ? "..., " : "...,\n" + " ".repeat(dim + 1));
                i = n - EDGE_ITEMS;
            }
            if (dim == shape.length - 1) {
                sb.append(number(v[offset + i * strides[dim]]));
            } else {
                append(sb, v, shape, strides, dim + 1, offset + i * strides[dim], summarise);
            }
            if (i < n - 1) sb.append(dim == shape.length - 1 ? ", " : ",\n" + " ".repeat(dim + 1));
        }
        sb.append(']');
    }

    /** Eight significant digits like NumPy, trailing zeros dropped: 4.5, 0.33333333, 1.0e-20. */
    private static String number(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) return String.valueOf(x);
        if (!Double.isFinite(x)) return String.valueOf(x);
        String s = String.format(java.util.Locale.ROOT, "%.8g", x);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        String exponent = e < 0 ? "" : s.substring(e);
        if (mantissa.contains(".")) mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", ".0");
        return mantissa + exponent;
    }
}
