package io.github.tapegrad.samples.plot;

import io.github.tapegrad.samples.training.Trainer;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The training pictures, drawn with XChart: accuracy per epoch over loss per iteration for one run, and the loss curves
 * of several optimizers. Colours are the Okabe–Ito palette, which colour-blind readers tell apart, and each curve also
 * has its own marker or dash; epochs are numbered from 1, as the console numbers them; iteration axes tick at round
 * numbers.
 */
public final class TrainingPlot {
    private TrainingPlot() {}

    /** The file formats a plot can be written in, chosen by the file name's ending. */
    public enum Format { PNG, SVG }

    /** Okabe & Ito (2008): orange, sky blue, bluish green, blue, vermillion, reddish purple, black; yellow (weak on white) last. */
    static final Color[] PALETTE = {new Color(230, 159, 0), new Color(86, 180, 233), new Color(0, 158, 115),
            new Color(0, 114, 178), new Color(213, 94, 0), new Color(204, 121, 167), Color.BLACK, new Color(240, 228, 66)};
    private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.DIAMOND, SeriesMarkers.SQUARE,
            SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.CIRCLE, SeriesMarkers.DIAMOND};
    private static final float[][] DASHES = {null, {10f, 4f}, {3f, 3f}, {12f, 4f, 3f, 4f}, {6f, 6f}, {2f, 6f}, {16f, 4f}, {8f, 3f, 2f, 3f}};

    /**
     * The format a plot file name asks for.
     *
     * @throws IllegalArgumentException naming the option and the file when it ends in neither .png nor .svg
     */
    public static Format formatOf(String option, Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) return Format.PNG;
        if (name.endsWith(".svg")) return Format.SVG;
        throw new IllegalArgumentException(option + " " + file + ": a plot is written as PNG or SVG; name the file *.png or *.svg");
    }

    /** Accuracy per epoch (top) over loss per iteration (bottom). */
    public static void write(Trainer.Result result, Format format, OutputStream out) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart acc = new XYChartBuilder().width(900).height(400).title("Accuracy after each epoch").xAxisTitle("epoch")
                .yAxisTitle("accuracy").build();
        double[] epochs = new double[result.trainAccuracy().size()];
        for (int i = 0; i < epochs.length; i++) epochs[i] = i + 1;
        if (epochs.length > 0) {
            style(acc.addSeries("train", epochs, toArray(result.trainAccuracy())), 0, true);
            style(acc.addSeries("test", epochs, toArray(result.testAccuracy())), 1, true);
        }
        acc.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setXAxisDecimalPattern("#").setXAxisTickMarkSpacingHint(90);
        XYChart loss = new XYChartBuilder().width(900).height(400).title("Loss per iteration").xAxisTitle("iteration")
                .yAxisTitle("loss").build();
        double[] iters = new double[result.losses().length];
        for (int i = 0; i < iters.length; i++) iters[i] = i;
        if (iters.length > 0) style(loss.addSeries("loss", iters, result.losses()), 3, false).setLineStyle(new BasicStroke(1f));
        double top = 0;
        for (double v : result.losses()) if (Double.isFinite(v)) top = Math.max(top, v);
        top = top > 0 ? top * 1.05 : 1;
        loss.getStyler().setYAxisMin(0.0).setYAxisMax(top);
        iterationAxis(loss, iters.length, -0.045 * top);
        loss.getStyler().setLegendVisible(false);
        stacked(format, out, acc, loss);
    }

    /**
     * One chart of several loss curves against the iteration, each smoothed by a centred moving average over 19
     * iterations (the book smooths its comparison figure the same way, to see through minibatch noise), on a logarithmic
     * axis when {@code logarithmic}; on a linear axis the curves are cut at 2.5 and a cut curve says so in its name.
     */
    public static void writeLosses(Map<String, double[]> curves, boolean logarithmic, Format format, OutputStream out) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(550).title("Loss per iteration (moving average of 19)")
                .xAxisTitle("iteration").yAxisTitle(logarithmic ? "loss (log scale)" : "loss").build();
        // NOTE: on a linear axis the y axis stops at 2.5 (a little above ln 10 = 2.30, the loss of a uniform guess): an
        // early spike would otherwise flatten every curve. A log axis shows everything.
        double cap = 2.5;
        double low = Double.POSITIVE_INFINITY;
        double high = 0;
        for (double[] v : curves.values()) {
            for (double y : smooth(v, 9)) {
                if (y > 0 && Double.isFinite(y)) {
                    low = Math.min(low, y);
                    high = Math.max(high, y);
                }
            }
        }
        if (!(low < high)) {
            low = 0.01;
            high = 10;
        }
        double bottom = logarithmic ? Math.pow(10, Math.floor(Math.log10(Math.max(low, 1e-6)))) : 0;
        double ceiling = logarithmic ? Math.pow(10, Math.ceil(Math.log10(high))) : cap;
        if (logarithmic) chart.getStyler().setYAxisLogarithmic(true).setYAxisMin(bottom).setYAxisMax(ceiling);
        else chart.getStyler().setYAxisMin(0.0).setYAxisMax(cap);
        int longest = curves.values().stream().mapToInt(v -> v.length).max().orElse(0);
        iterationAxis(chart, longest, logarithmic ? bottom / Math.pow(ceiling / bottom, 0.045) : -0.045 * cap);
        int k = 0;
        for (var e : curves.entrySet()) {
            double[] y = smooth(e.getValue(), 9);
            double[] x = new double[y.length];
            boolean clipped = false;
            for (int i = 0; i < x.length; i++) {
                x[i] = i;
                if (logarithmic) y[i] = Math.max(y[i], 1e-6);
                else if (y[i] > cap) {
                    y[i] = cap;
                    clipped = true;
                }
            }
            String name = clipped ? e.getKey() + " (cut at " + cap + ")" : e.getKey();
            if (y.length > 0) style(chart.addSeries(name, x, y), k, false);
            k++;
        }
        single(format, out, chart);
    }

    /**
     * Round tick values for an axis of {@code n} iterations: multiples of 1, 2 or 5 × 10^k, five to ten of them, from 0.
     */
    static double[] iterationTicks(int n) {
        double raw = Math.max(n - 1, 1) / 10.0;
        double unit = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw <= unit ? unit : raw <= 2 * unit ? 2 * unit : raw <= 5 * unit ? 5 * unit : 10 * unit;
        step = Math.max(1, step);
        int count = (int) Math.floor(Math.max(n - 1, 1) / step) + 1;
        double[] ticks = new double[count];
        for (int i = 0; i < count; i++) ticks[i] = i * step;
        return ticks;
    }

    /**
     * An iteration axis from 0 with ticks at round numbers. NOTE: XChart 3.8.8 puts an XY chart's x ticks on every k-th
     * data point (0, 84, 168, … for 1,500 points), whatever the spacing hint or pattern; so its tick labels and vertical
     * grid lines are hidden and round ones drawn as annotations, the labels at {@code labelY} (data space, just below
     * the plot's lower edge).
     */
    private static void iterationAxis(XYChart chart, int n, double labelY) {
        chart.getStyler().setXAxisTicksVisible(false).setPlotGridVerticalLinesVisible(false).setXAxisMin(0.0)
                .setXAxisMax((double) Math.max(n - 1, 1)).setAnnotationLineColor(new Color(0, 0, 0, 35))
                .setAnnotationLineStroke(new BasicStroke(1f)).setAnnotationTextFontColor(Color.DARK_GRAY);
        for (double t : iterationTicks(n)) {
            chart.addAnnotation(new AnnotationLine(t, true, false));
            chart.addAnnotation(new AnnotationText(String.format(Locale.ROOT, "%,d", (long) t), t, labelY, false));
        }
    }

    /** Colour, marker (spaced out on long curves) and dash of the k-th curve. */
    private static XYSeries style(XYSeries s, int k, boolean markers) {
        int i = k % PALETTE.length;
        s.setLineColor(PALETTE[i]);
        s.setMarkerColor(PALETTE[i]);
        s.setMarker(markers ? MARKERS[i] : SeriesMarkers.NONE);
        s.setLineStyle(DASHES[i] == null ? new BasicStroke(2f)
                : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, DASHES[i], 0f));
        return s;
    }

    private static void single(Format format, OutputStream out, XYChart chart) throws IOException {
        if (format == Format.PNG) {
            if (!ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", out)) throw new IOException("no PNG writer available");
        } else {
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        }
    }

    /** Two charts one above the other: one image, or one SVG holding the two charts' SVGs at their offsets. */
    private static void stacked(Format format, OutputStream out, XYChart top, XYChart bottom) throws IOException {
        if (format == Format.PNG) {
            BufferedImage a = BitmapEncoder.getBufferedImage(top);
            BufferedImage b = BitmapEncoder.getBufferedImage(bottom);
            BufferedImage both = new BufferedImage(a.getWidth(), a.getHeight() + b.getHeight(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = both.createGraphics();
            g.drawImage(a, 0, 0, null);
            g.drawImage(b, 0, a.getHeight(), null);
            g.dispose();
            if (!ImageIO.write(both, "png", out)) throw new IOException("no PNG writer available");
            return;
        }
        int w = Math.max(top.getWidth(), bottom.getWidth());
        int h = top.getHeight() + bottom.getHeight();
        StringBuilder svg = new StringBuilder();
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w)
                .append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(w).append(' ').append(h).append("\">\n");
        svg.append("<g>\n").append(innerSvg(top)).append("\n</g>\n");
        svg.append("<g transform=\"translate(0 ").append(top.getHeight()).append(")\">\n").append(innerSvg(bottom)).append("\n</g>\n</svg>\n");
        out.write(svg.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A chart's SVG element, without the XML declaration and document type before it. */
    private static String innerSvg(XYChart chart) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(chart, b, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        String text = b.toString(StandardCharsets.UTF_8);
        int root = text.indexOf("<svg");
        if (root < 0) throw new IOException("XChart wrote no SVG element");
        return text.substring(root).trim();
    }

    private static double[] smooth(double[] v, int half) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            int from = Math.max(0, i - half);
            int to = Math.min(v.length, i + half + 1);
            double s = 0;
            for (int j = from; j < to; j++) s += v[j];
            out[i] = s / (to - from);
        }
        return out;
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
