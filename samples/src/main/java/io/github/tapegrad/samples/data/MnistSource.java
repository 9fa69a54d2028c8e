package io.github.tapegrad.samples.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the data comes from: a folder with the four standard files (raw or {@code .gz}), the default folder
 * ({@code $TAPEGRAD_MNIST}, else {@code ~/.cache/tapegrad/mnist}), or the subset bundled in the jar.
 */
public final class MnistSource {
    /** The four standard file names, without {@code .gz}. */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final String[] FILES = {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS};
    private static final String BUNDLED = "/io/github/tapegrad/samples/data/";

    /** Training and test sets, and a one-line description of where they came from. */
    public record Loaded(MnistData train, MnistData test, String description, boolean bundled) {
        /** Classes named by the labels of either set (10 for MNIST). */
        public int classes() {
            return Math.max(train.classes(), test.classes());
        }
    }

    private MnistSource() {}

    /** The default folder: {@code $TAPEGRAD_MNIST} if set, else {@code ~/.cache/tapegrad/mnist}. */
    public static Path defaultFolder() {
        String env = System.getenv("TAPEGRAD_MNIST");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".cache", "tapegrad", "mnist");
    }

    /** Whether a folder holds all four files (raw or gzipped). */
    public static boolean hasAllFiles(Path dir) {
        for (String f : FILES) if (resolve(dir, f) == null) return false;
        return true;
    }

    /**
     * Loads from {@code dir}; when it is null, from {@code $TAPEGRAD_MNIST} if that is set (it must then hold the four
     * files), else from {@code ~/.cache/tapegrad/mnist} if it holds them, else the bundled subset.
     *
     * @throws IOException naming the folder and the missing or unreadable file when an explicit folder (an argument or
     *                     {@code $TAPEGRAD_MNIST}) is incomplete, or when a set is empty
     */
    public static Loaded load(Path dir) throws IOException {
        return load(dir, System.getenv("TAPEGRAD_MNIST"));
    }

    /** {@link #load(Path)} with the value of {@code $TAPEGRAD_MNIST} given (null when unset). */
    static Loaded load(Path dir, String env) throws IOException {
        if (dir != null) return fromFolder(checkFolder(dir, dir.toString()));
        if (env != null && !env.isBlank()) return fromFolder(checkFolder(Path.of(env), "$TAPEGRAD_MNIST=" + env));
        Path def = defaultFolder();
        if (hasAllFiles(def)) return fromFolder(def);
        return bundled();
    }

    /** The folder, after checking that it holds the four files and that they can be read. */
    private static Path checkFolder(Path dir, String what) throws IOException {
        if (!Files.isDirectory(dir)) throw new IdxFormatException(what + ": no such folder");
        for (String f : FILES) {
            Path file = resolve(dir, f);
            if (file == null) {
                throw new IdxFormatException(what + ": no " + f + " (or " + f + ".gz) in this folder; it needs the four"
                        + " standard files " + String.join(", ", FILES));
            }
            if (!Files.isReadable(file)) throw new IdxFormatException(file + ": cannot read this file (permission denied)");
        }
        return dir;
    }

    /** The subset bundled in the jar: the first 5,000 training and first 1,000 test images of MNIST. */
    public static Loaded bundled() throws IOException {
        MnistData train = read("bundled " + TRAIN_IMAGES, BUNDLED + TRAIN_IMAGES + ".gz", BUNDLED + TRAIN_LABELS + ".gz");
        MnistData test = read("bundled " + TEST_IMAGES, BUNDLED + TEST_IMAGES + ".gz", BUNDLED + TEST_LABELS + ".gz");
        return new Loaded(train, test, "the bundled MNIST subset (" + train.size() + " training, " + test.size()
                + " test images); for the full set run scripts/fetch-mnist.sh or pass --data DIR", true);
    }

    private static Loaded fromFolder(Path dir) throws IOException {
        MnistData train = nonEmpty(readFiles(resolve(dir, TRAIN_IMAGES), resolve(dir, TRAIN_LABELS)));
        MnistData test = nonEmpty(readFiles(resolve(dir, TEST_IMAGES), resolve(dir, TEST_LABELS)));
        return new Loaded(train, test, shortened(dir) + " (" + train.size() + " training, " + test.size() + " test images)", false);
    }

    /** The folder with the home directory written as ~, so that shared output shows no one's home path. */
    static String shortened(Path dir) {
        String home = System.getProperty("user.home");
        String abs = dir.toAbsolutePath().normalize().toString();
        return home != null && !home.isEmpty() && abs.startsWith(home + java.io.File.separator) ? "~" + abs.substring(home.length()) : dir.toString();
    }

    private static MnistData nonEmpty(MnistData data) throws IdxFormatException {
        if (data.size() == 0) throw new IdxFormatException(data.name() + ": holds no images; training and accuracy need at least one");
        return data;
    }

    private static Path resolve(Path dir, String name) {
        Path raw = dir.resolve(name);
        if (Files.isRegularFile(raw)) return raw;
        Path gz = dir.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    /** Reads an images file and a labels file as one data set; the counts must agree. */
    public static MnistData readFiles(Path images, Path labels) throws IOException {
        IdxReader.Images im;
        int[] lab;
        try (InputStream in = Files.newInputStream(images)) {
            im = IdxReader.readImages(images.toString(), in);
        }
        try (InputStream in = Files.newInputStream(labels)) {
            lab = IdxReader.readLabels(labels.toString(), in);
        }
        return data(images.toString(), labels.toString(), im, lab);
    }

    private static MnistData read(String name, String imagesResource, String labelsResource) throws IOException {
        IdxReader.Images im;
        int[] lab;
        try (InputStream in = open(imagesResource)) {
            im = IdxReader.readImages(imagesResource, in);
        }
        try (InputStream in = open(labelsResource)) {
            lab = IdxReader.readLabels(labelsResource, in);
        }
        return data(imagesResource, labelsResource, im, lab);
    }

    private static MnistData data(String images, String labels, IdxReader.Images im, int[] lab) throws IdxFormatException {
        if (im.count() != lab.length) {
            throw new IdxFormatException(images + " has " + im.count() + " images but " + labels + " has " + lab.length + " labels");
        }
        return new MnistData(images, im, lab);
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = MnistSource.class.getResourceAsStream(resource);
        if (in == null) throw new IOException("the bundled data " + resource + " is missing from the jar");
        return in;
    }
}
