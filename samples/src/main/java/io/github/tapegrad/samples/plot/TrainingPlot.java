package io.github.tapegrad.samples.plot;

import io.github.tapegrad.samples.twolayer.Trainer;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** One PNG with the train/test accuracy per epoch (top) and the loss per iteration (bottom), drawn with XChart. */
public final class TrainingPlot {
    private TrainingPlot() {}

    /** Writes the two charts stacked into {@code file}. */
    public static void write(Trainer.Result result, Path file) throws IOException {
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
        loss.getStyler().setXAxisDecimalPattern("#").setXAxisTickMarkSpacingHint(120).setLegendVisible(false);
        acc.getStyler().setXAxisDecimalPattern("#");
        BufferedImage top = BitmapEncoder.getBufferedImage(acc);
        BufferedImage bottom = BitmapEncoder.getBufferedImage(loss);
        BufferedImage both = new BufferedImage(top.getWidth(), top.getHeight() + bottom.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        g.drawImage(top, 0, 0, null);
        g.drawImage(bottom, 0, top.getHeight(), null);
        g.dispose();
        if (!ImageIO.write(both, "png", file.toFile())) throw new IOException("no PNG writer available for " + file);
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
