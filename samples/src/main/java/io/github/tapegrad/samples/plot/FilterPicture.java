package io.github.tapegrad.samples.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import javax.imageio.ImageIO;
import org.ejml.data.DMatrixRMaj;

/**
 * The book's figure 7-24: a convolution's first-channel filters before and after training, each a small grey image
 * drawn as the book's {@code imshow(..., cmap=gray_r)} does (each filter scaled from its own minimum, white, to its
 * maximum, black), ten to a row, the two sets one above the other.
 */
public final class FilterPicture {
    /** Filters per row, as in the book's figure. */
    static final int PER_ROW = 10;
    /** Screen pixels per filter pixel. */
    static final int SCALE = 10;
    static final int GAP = 6;
    static final int TITLE = 24;

    private FilterPicture() {}

    /**
     * Writes the picture as a PNG.
     *
     * @param before the filters before training, one per row (FN × C·FH·FW); channel 0 is drawn
     * @param after  the same filters after training
     * @param size   FH = FW, the filters' side
     */
    public static void write(DMatrixRMaj before, DMatrixRMaj after, int size, OutputStream out) throws IOException {
        if (before.numRows != after.numRows || before.numCols != after.numCols || size < 1 || before.numCols < size * size) {
            throw new IllegalArgumentException("filter picture: " + before.numRows + "x" + before.numCols + " and " + after.numRows + "x"
                    + after.numCols + " filters of side " + size + " do not match");
        }
        int filters = before.numRows;
        int rows = (filters + PER_ROW - 1) / PER_ROW;
        int cell = size * SCALE + GAP;
        int width = Math.min(filters, PER_ROW) * cell + GAP;
        int block = TITLE + rows * cell;
        BufferedImage image = new BufferedImage(width, 2 * block + GAP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        draw(g, image, before, size, 0, "before training (" + filters + " filters " + size + "x" + size + ")");
        draw(g, image, after, size, block + GAP, "after training");
        g.dispose();
        if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer in this Java runtime");
    }

    private static void draw(Graphics2D g, BufferedImage image, DMatrixRMaj filters, int size, int top, String title) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.drawString(title, GAP, top + TITLE - 7);
        int cell = size * SCALE + GAP;
        for (int f = 0; f < filters.numRows; f++) {
            int x0 = GAP + (f % PER_ROW) * cell;
            int y0 = top + TITLE + (f / PER_ROW) * cell;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < size * size; i++) {
                double v = filters.get(f, i);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            for (int i = 0; i < size * size; i++) {
                double v = filters.get(f, i);
                // gray_r: the minimum white, the maximum black; a constant filter mid-grey
                double t = max > min ? (v - min) / (max - min) : 0.5;
                int level = (int) Math.round(255 * (1 - t));
                int rgb = level << 16 | level << 8 | level;
                int px = x0 + (i % size) * SCALE;
                int py = y0 + (i / size) * SCALE;
                for (int dy = 0; dy < SCALE; dy++) for (int dx = 0; dx < SCALE; dx++) image.setRGB(px + dx, py + dy, rgb);
            }
        }
    }
}
