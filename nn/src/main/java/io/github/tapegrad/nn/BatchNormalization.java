package io.github.tapegrad.nn;

import org.ejml.data.DMatrixRMaj;

/**
 * The book's BatchNormalization layer (chapter 6): per feature (column), in training mode,
 * μ = mean(x), xc = x − μ, σ² = mean(xc²), std = √(σ² + 1e-6), xn = xc/std, out = γ·xn + β, and the running
 * statistics move by r ← m·r + (1 − m)·(batch statistic) with momentum m = 0.9. In inference mode
 * xn = (x − running mean)/√(running var + 1e-6).
 *
 * <p>Backward (training mode), as the book derives it: dβ = Σ dout, dγ = Σ xn·dout, dxn = γ·dout, dxc = dxn/std,
 * dstd = −Σ dxn·xc/std², dσ² = ½·dstd/std, dxc += (2/N)·xc·dσ², dμ = Σ dxc, dx = dxc − dμ/N (sums over the batch).
 * In inference mode the statistics are constants and dx = γ·dout/√(running var + 1e-6).
 *
 * <p>γ and β (1×D) are shared parameters, updated in place by an optimizer; the running statistics start at 0 and
 * 0 as in the book. σ² is the biased (divide by N) batch variance, as in the book and the original paper's training.
 */
public final class BatchNormalization implements Layer {
    /** Added to the variance before the square root (the book's 10e-7). */
    public static final double EPS = 1e-6;
    private final String name;
    private final DMatrixRMaj gamma;
    private final DMatrixRMaj beta;
    private final double momentum;
    private final DMatrixRMaj runningMean;
    private final DMatrixRMaj runningVar;
    private boolean training = true;
    private final DMatrixRMaj xc = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj xn = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj std;
    private final DMatrixRMaj out = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dx = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj dgamma;
    private final DMatrixRMaj dbeta;
    private final double[] scratch;
    private boolean forwardDone;
    private boolean lastForwardTraining;

    /**
     * @param gamma scale, 1×D. Shared.
     * @param beta  shift, 1×D. Shared.
     */
    public BatchNormalization(String name, DMatrixRMaj gamma, DMatrixRMaj beta, double momentum) {
        if (gamma.numRows != 1 || beta.numRows != 1 || gamma.numCols != beta.numCols) {
            throw new IllegalArgumentException("BatchNormalization '" + name + "': gamma " + LayerChecks.shape(gamma) + " and beta "
                    + LayerChecks.shape(beta) + " must both be (1xD)");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("BatchNormalization '" + name + "': momentum must be in [0, 1), got " + momentum);
        }
        int d = gamma.numCols;
        this.name = name;
        this.gamma = gamma;
        this.beta = beta;
        this.momentum = momentum;
        this.runningMean = new DMatrixRMaj(1, d);
        this.runningVar = new DMatrixRMaj(1, d);
        this.std = new DMatrixRMaj(1, d);
        this.dgamma = new DMatrixRMaj(1, d);
        this.dbeta = new DMatrixRMaj(1, d);
        this.scratch = new double[2 * d];
    }

    /** γ = 1, β = 0 for D features, momentum 0.9 (the book's defaults). */
    public BatchNormalization(String name, int features) {
        this(name, ones(features), new DMatrixRMaj(1, features), 0.9);
    }

    private static DMatrixRMaj ones(int d) {
        DMatrixRMaj m = new DMatrixRMaj(1, d);
        m.fill(1.0);
        return m;
    }

    @Override
    public String name() {
        return name;
    }

    /** Switches between training mode (batch statistics) and inference mode (running statistics). */
    public BatchNormalization training(boolean on) {
        this.training = on;
        return this;
    }

    public boolean isTraining() {
        return training;
    }

    public DMatrixRMaj gamma() {
        return gamma;
    }

    public DMatrixRMaj beta() {
        return beta;
    }

    /** ∂L/∂γ of the last backward; overwritten by each backward. */
    public DMatrixRMaj dgamma() {
        return dgamma;
    }

    /** ∂L/∂β of the last backward; overwritten by each backward. */
    public DMatrixRMaj dbeta() {
        return dbeta;
    }

    /** The running mean (1×D), live. */
    public DMatrixRMaj runningMean() {
        return runningMean;
    }

    /** The running variance (1×D), live. */
    public DMatrixRMaj runningVar() {
        return runningVar;
    }

    @Override
    public DMatrixRMaj forward(DMatrixRMaj x) {
        int n = x.numRows;
        int d = gamma.numCols;
        if (x.numCols != d) {
            throw new IllegalArgumentException("BatchNormalization '" + name + "': x " + LayerChecks.shape(x) + " has "
                    + x.numCols + " features but gamma has " + d);
        }
        LayerChecks.requireNonEmpty("BatchNormalization '" + name + "'", x);
        xc.reshape(n, d);
        xn.reshape(n, d);
        out.reshape(n, d);
        double[] mean = scratch;
        java.util.Arrays.fill(scratch, 0.0);
        if (training) {
            for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += x.data[i * d + j];
            for (int j = 0; j < d; j++) mean[j] /= n;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    double c = x.data[i * d + j] - mean[j];
                    xc.data[i * d + j] = c;
                    scratch[d + j] += c * c;
                }
            }
            for (int j = 0; j < d; j++) {
                double var = scratch[d + j] / n;
                std.data[j] = Math.sqrt(var + EPS);
                runningMean.data[j] = momentum * runningMean.data[j] + (1 - momentum) * mean[j];
                runningVar.data[j] = momentum * runningVar.data[j] + (1 - momentum) * var;
            }
        } else {
            for (int j = 0; j < d; j++) std.data[j] = Math.sqrt(runningVar.data[j] + EPS);
            for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) xc.data[i * d + j] = x.data[i * d + j] - runningMean.data[j];
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double v = xc.data[i * d + j] / std.data[j];
                xn.data[i * d + j] = v;
                out.data[i * d + j] = gamma.data[j] * v + beta.data[j];
            }
        }
        forwardDone = true;
        lastForwardTraining = training;
        return out;
    }

    @Override
    public DMatrixRMaj backward(DMatrixRMaj dout) {
        LayerChecks.requireForward(name, forwardDone ? out : null);
        LayerChecks.requireSameShape(name, "dout", dout, out.numRows, out.numCols);
        int n = dout.numRows;
        int d = dout.numCols;
        dx.reshape(n, d);
        dgamma.zero();
        dbeta.zero();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double g = dout.data[i * d + j];
                dbeta.data[j] += g;
                dgamma.data[j] += xn.data[i * d + j] * g;
            }
        }
        if (!lastForwardTraining) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) dx.data[i * d + j] = gamma.data[j] * dout.data[i * d + j] / std.data[j];
            }
            return dx;
        }
        double[] dvar = scratch;             // dσ² per feature, then dμ per feature
        java.util.Arrays.fill(scratch, 0.0);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double dxn = gamma.data[j] * dout.data[i * d + j];
                // dstd = −Σ dxn·xc/std², accumulated here, turned into dσ² below
                dvar[j] -= dxn * xc.data[i * d + j] / (std.data[j] * std.data[j]);
            }
        }
        for (int j = 0; j < d; j++) dvar[j] = 0.5 * dvar[j] / std.data[j];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double dxc = gamma.data[j] * dout.data[i * d + j] / std.data[j] + (2.0 / n) * xc.data[i * d + j] * dvar[j];
                dx.data[i * d + j] = dxc;
                scratch[d + j] += dxc;
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) dx.data[i * d + j] -= scratch[d + j] / n;
        }
        return dx;
    }
}
