package io.github.tapegrad.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class OptimizerTest {
    /** Three steps from w = 1 with gradients 0.5, −0.25, 1.0: each expected value written out from the formula. */
    private static double[] threeSteps(Optimizer opt) {
        DMatrixRMaj w = new DMatrixRMaj(new double[][] {{1.0}});
        DMatrixRMaj g = new DMatrixRMaj(1, 1);
        double[] out = new double[3];
        double[] grads = {0.5, -0.25, 1.0};
        for (int t = 0; t < 3; t++) {
            g.set(0, 0, grads[t]);
            opt.step(List.of(new Param("w", w, g)));
            out[t] = w.get(0, 0);
        }
        return out;
    }

    private static void assertSteps(double[] expected, double[] actual) {
        for (int i = 0; i < 3; i++) assertEquals(expected[i], actual[i], 1e-15, "step " + (i + 1));
    }

    @Test
    void sgd() {
        assertSteps(new double[] {1 - 0.1 * 0.5, 1 - 0.1 * 0.5 + 0.1 * 0.25, 1 - 0.05 + 0.025 - 0.1}, threeSteps(new Sgd(0.1)));
    }

    @Test
    void momentum() {
        double v1 = -0.1 * 0.5;
        double v2 = 0.9 * v1 + 0.1 * 0.25;
        double v3 = 0.9 * v2 - 0.1 * 1.0;
        assertSteps(new double[] {1 + v1, 1 + v1 + v2, 1 + v1 + v2 + v3}, threeSteps(new Momentum(0.1, 0.9)));
    }

    @Test
    void nesterov() {
        double w = 1;
        double v = 0;
        double[] expected = new double[3];
        double[] g = {0.5, -0.25, 1.0};
        for (int t = 0; t < 3; t++) {
            v = 0.9 * v - 0.1 * g[t];
            w = w + 0.81 * v - 1.9 * 0.1 * g[t];
            expected[t] = w;
        }
        assertSteps(expected, threeSteps(new Nesterov(0.1, 0.9)));
    }

    @Test
    void adaGrad() {
        double h1 = 0.25;
        double w1 = 1 - 0.1 * 0.5 / (Math.sqrt(h1) + 1e-7);
        double h2 = h1 + 0.0625;
        double w2 = w1 + 0.1 * 0.25 / (Math.sqrt(h2) + 1e-7);
        double h3 = h2 + 1.0;
        double w3 = w2 - 0.1 * 1.0 / (Math.sqrt(h3) + 1e-7);
        assertSteps(new double[] {w1, w2, w3}, threeSteps(new AdaGrad(0.1)));
    }

    @Test
    void rmsProp() {
        double h1 = 0.1 * 0.25;
        double w1 = 1 - 0.1 * 0.5 / (Math.sqrt(h1) + 1e-7);
        double h2 = 0.9 * h1 + 0.1 * 0.0625;
        double w2 = w1 + 0.1 * 0.25 / (Math.sqrt(h2) + 1e-7);
        double h3 = 0.9 * h2 + 0.1 * 1.0;
        double w3 = w2 - 0.1 * 1.0 / (Math.sqrt(h3) + 1e-7);
        assertSteps(new double[] {w1, w2, w3}, threeSteps(new RmsProp(0.1, 0.9)));
    }

    @Test
    void adam() {
        double w = 1;
        double m = 0;
        double v = 0;
        double[] g = {0.5, -0.25, 1.0};
        double[] expected = new double[3];
        for (int t = 1; t <= 3; t++) {
            double lrT = 0.1 * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
            m += 0.1 * (g[t - 1] - m);
            v += 0.001 * (g[t - 1] * g[t - 1] - v);
            w -= lrT * m / (Math.sqrt(v) + 1e-7);
            expected[t - 1] = w;
        }
        assertSteps(expected, threeSteps(new Adam(0.1, 0.9, 0.999)));
        // the first Adam step moves by about lr whatever the gradient's scale
        assertEquals(1 - 0.1, threeSteps(new Adam(0.1, 0.9, 0.999))[0], 1e-6);
    }

    /** The book's figure 6-2 test function f(x, y) = x²/20 + y², from (−7, 2), 30 steps with the book's learning rates. */
    @Test
    void booksTestFunctionDropsTenfold() {
        Optimizer[] opts = {new Sgd(0.95), new Momentum(0.1, 0.9), new AdaGrad(1.5), new Adam(0.3, 0.9, 0.999)};
        for (Optimizer opt : opts) {
            DMatrixRMaj p = new DMatrixRMaj(new double[][] {{-7.0, 2.0}});
            DMatrixRMaj g = new DMatrixRMaj(1, 2);
            double f0 = f(p);
            for (int i = 0; i < 30; i++) {
                g.set(0, 0, p.get(0, 0) / 10.0);
                g.set(0, 1, 2.0 * p.get(0, 1));
                opt.step(List.of(new Param("xy", p, g)));
            }
            assertTrue(f(p) <= f0 / 10, opt + ": f went from " + f0 + " to " + f(p));
        }
    }

    private static double f(DMatrixRMaj p) {
        return p.get(0, 0) * p.get(0, 0) / 20 + p.get(0, 1) * p.get(0, 1);
    }

    @Test
    void stateIsPerParameter() {
        Momentum opt = new Momentum(0.1, 0.9);
        DMatrixRMaj a = new DMatrixRMaj(new double[][] {{1.0}});
        DMatrixRMaj b = new DMatrixRMaj(new double[][] {{1.0}});
        DMatrixRMaj g = new DMatrixRMaj(new double[][] {{1.0}});
        opt.step(List.of(new Param("a", a, g)));
        opt.step(List.of(new Param("a", a, g), new Param("b", b, g)));
        assertEquals(1 - 0.1 - 0.19, a.get(0, 0), 1e-15, "a has velocity from its first step");
        assertEquals(1 - 0.1, b.get(0, 0), 1e-15, "b starts from zero velocity");
    }

    @Test
    void badHyperparametersAndShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0));
        assertThrows(IllegalArgumentException.class, () -> new Momentum(0.1, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(Double.NaN, 0.9, 0.999));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Param("W1", new DMatrixRMaj(2, 3), new DMatrixRMaj(3, 2)));
        assertTrue(e.getMessage().contains("W1") && e.getMessage().contains("(2x3)"), e.getMessage());
    }

    /** A non-finite gradient is refused before any parameter moves, naming the parameter and the entry. */
    @Test
    void aNonFiniteGradientIsRefusedBeforeAnyUpdate() {
        for (Optimizer opt : new Optimizer[] {new Sgd(0.1), new Momentum(), new Nesterov(), new AdaGrad(), new RmsProp(), new Adam()}) {
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                DMatrixRMaj a = new DMatrixRMaj(new double[][] {{1, 2}});
                DMatrixRMaj ga = new DMatrixRMaj(new double[][] {{0.5, 0.5}});
                DMatrixRMaj b = new DMatrixRMaj(new double[][] {{3, 4, 5}});
                DMatrixRMaj gb = new DMatrixRMaj(new double[][] {{1, 1, bad}});
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> opt.step(List.of(new Param("a", a, ga), new Param("b", b, gb))));
                assertEquals(opt + ": the gradient of parameter b holds " + bad + " at entry 2; no parameter was updated",
                        e.getMessage());
                assertArrayEquals(new double[] {1, 2}, a.data, 0.0, "the parameter before the bad one is untouched too");
                assertArrayEquals(new double[] {3, 4, 5}, b.data, 0.0);
            }
        }
    }

    /** The non-finite test at every length and position (it runs branch-free over the whole gradient). */
    @Test
    void theNonFiniteTestFindsEveryEntry() {
        for (int n = 1; n <= 19; n++) {
            double[] g = new double[n];
            java.util.Arrays.fill(g, -Double.MAX_VALUE);
            assertTrue(!ElementwiseOptimizer.anyNonFinite(g, n), "largest finite values");
            for (int at = 0; at < n; at++) {
                for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                    g[at] = bad;
                    assertTrue(ElementwiseOptimizer.anyNonFinite(g, n), bad + " at " + at + " of " + n);
                    g[at] = -Double.MAX_VALUE;
                }
            }
            assertTrue(!ElementwiseOptimizer.anyNonFinite(new double[] {Double.NaN}, 0), "an empty range");
        }
    }

    @Test
    void aParameterWhoseShapeChangedIsRefused() {
        Adam adam = new Adam();
        DMatrixRMaj w = new DMatrixRMaj(new double[][] {{1, 2, 3}});
        DMatrixRMaj g = new DMatrixRMaj(new double[][] {{1, 1, 1}});
        adam.step(List.of(new Param("W", w, g)));
        w.reshape(3, 1);
        g.reshape(3, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.step(List.of(new Param("W", w, g))));
        assertEquals("Adam(lr=0.001, beta1=0.9, beta2=0.999): parameter W is now (3x1) but was (1x3) when this optimizer"
                + " first updated it", e.getMessage());
    }

    /** The shared loops give the bits of each rule written out as the book writes it. */
    @Test
    void thePairsGiveTheBooksBits() {
        java.util.Random r = new java.util.Random(8);
        double[] w0 = r.doubles(50, -1, 1).toArray();
        double[][] gs = new double[5][];
        for (int k = 0; k < 5; k++) gs[k] = r.doubles(50, -2, 2).toArray();
        double lr = 0.03;
        double mu = 0.9;
        double rho = 0.99;
        double[][] expected = new double[4][];
        for (int rule = 0; rule < 4; rule++) {
            double[] w = w0.clone();
            double[] v = new double[50];
            for (double[] g : gs) {
                for (int i = 0; i < 50; i++) {
                    switch (rule) {
                        case 0 -> { v[i] = mu * v[i] - lr * g[i]; w[i] += v[i]; }
                        case 1 -> { v[i] = mu * v[i] - lr * g[i]; w[i] += mu * mu * v[i] - (1 + mu) * lr * g[i]; }
                        case 2 -> { v[i] += g[i] * g[i]; w[i] -= lr * g[i] / (Math.sqrt(v[i]) + 1e-7); }
                        default -> { v[i] = rho * v[i] + (1 - rho) * g[i] * g[i]; w[i] -= lr * g[i] / (Math.sqrt(v[i]) + 1e-7); }
                    }
                }
            }
            expected[rule] = w;
        }
        Optimizer[] opts = {new Momentum(lr, mu), new Nesterov(lr, mu), new AdaGrad(lr), new RmsProp(lr, rho)};
        for (int rule = 0; rule < 4; rule++) {
            DMatrixRMaj w = new DMatrixRMaj(1, 50);
            System.arraycopy(w0, 0, w.data, 0, 50);
            DMatrixRMaj g = new DMatrixRMaj(1, 50);
            for (double[] step : gs) {
                System.arraycopy(step, 0, g.data, 0, 50);
                opts[rule].step(List.of(new Param("w", w, g)));
            }
            assertArrayEquals(expected[rule], w.data, 0.0, opts[rule].toString());
        }
    }
}
