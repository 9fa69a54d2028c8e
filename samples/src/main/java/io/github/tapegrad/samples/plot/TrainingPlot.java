package io.github.tapegrad.samples.plot;

import io.github.tapegrad.samples.training.Trainer;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** One PNG with the train/test accuracy per epoch (top) and the loss per iteration (bottom), drawn with XChart. */
public final class TrainingPlot {
    private TrainingPlot() {}

    /**
     * Checks that a plot file name asks for what is written here, PNG.
     *
     * @throws IllegalArgumentException naming the option and the file otherwise
     */
    public static void checkFormat(String option, java.nio.file.Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (!name.endsWith(".png")) {
            throw new IllegalArgumentException(option + " " + file + ": the plot is written as PNG; name the file *.png");
        }
    }

    /** Writes the two charts stacked, as PNG. */
    public static void write(Trainer.Result result, OutputStream out) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart acc = new XYChartBuilder().width(900).height(400).title("Accuracy").xAxisTitle("epoch").yAxisTitle("accuracy").build();
        double[] epochs = new double[result.trainAccuracy().size()];
        for (int i = 0; i < epochs.length; i++) epochs[i] = i;
        if (epochs.length > 0) {
            acc.addSeries("train", epochs, toArray(result.trainAccuracy())).setMarker(SeriesMarkers.CIRCLE);
            acc.addSeries("test", epochs, toArray(result.testAccuracy())).setMarker(SeriesMarkers.DIAMOND);
        }
        acc.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        XYChart loss = new XYChartBuilder().width(900).height(400).title("Loss per iteration").xAxisTitle("iteration")
                .yAxisTitle("loss").build();
        double[] iters = new double[result.losses().length];
        for (int i = 0; i < iters.length; i++) iters[i] = i;
        if (iters.length > 0) loss.addSeries("loss", iters, result.losses()).setMarker(SeriesMarkers.NONE);
        loss.getStyler().setXAxisDecimalPattern("#").setXAxisTickMarkSpacingHint(200).setLegendVisible(false);
        acc.getStyler().setXAxisDecimalPattern("#");
        BufferedImage top = BitmapEncoder.getBufferedImage(acc);
        BufferedImage bottom = BitmapEncoder.getBufferedImage(loss);
        BufferedImage both = new BufferedImage(top.getWidth(), top.getHeight() + bottom.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        g.drawImage(top, 0, 0, null);
        g.drawImage(bottom, 0, top.getHeight(), null);
        g.dispose();
        if (!ImageIO.write(both, "png", out)) throw new IOException("no PNG writer available");
    }

    /**
     * One chart of several loss curves against the iteration, each smoothed by a centred moving average over 19
     * iterations (the book smooths its comparison figure the same way, to see through minibatch noise).
     */
    public static void writeLosses(java.util.Map<String, double[]> curves, OutputStream out) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(550).title("Loss per iteration (moving average of 19)")
                .xAxisTitle("iteration").yAxisTitle("loss").build();
        // NOTE: the y axis stops at 2.5 (a little above ln 10 = 2.30, the loss of a uniform guess): an early spike of one
        // optimizer would otherwise flatten every curve.
        chart.getStyler().setXAxisDecimalPattern("#").setXAxisTickMarkSpacingHint(200).setYAxisMin(0.0).setYAxisMax(2.5);
        for (var e : curves.entrySet()) {
            double[] y = smooth(e.getValue(), 9);
            double[] x = new double[y.length];
            for (int i = 0; i < x.length; i++) x[i] = i;
            if (y.length > 0) chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.NONE);
        }
        if (!ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", out)) throw new IOException("no PNG writer available");
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
