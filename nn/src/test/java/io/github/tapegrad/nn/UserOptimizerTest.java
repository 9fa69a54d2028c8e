package io.github.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.nn.optim.ElementwiseOptimizer;
import io.github.tapegrad.nn.optim.Optimizer;
import io.github.tapegrad.nn.optim.Param;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** An optimizer written outside the library, on its public API only: the base class and the interface. */
class UserOptimizerTest {

    /** signSGD with momentum of the sign (a user's rule): m ← β·m + (1 − β)·sign(∂W); W ← W − lr·m. */
    static final class SignMomentum extends ElementwiseOptimizer {
        private final double lr;
        private final double beta;
        int steps;

        SignMomentum(double lr, double beta) {
            this.lr = positive("SignMomentum learning rate", lr);
            this.beta = fraction("SignMomentum beta", beta);
        }

        @Override
        protected int stateArrays() {
            return 1;
        }

        @Override
        protected void beforeStep() {
            steps++;
        }

        @Override
        protected void update(double[] w, double[] g, int n, double[][] state) {
            double[] m = state[0];
            for (int i = 0; i < n; i++) {
                m[i] = beta * m[i] + (1 - beta) * Math.signum(g[i]);
                w[i] -= lr * m[i];
            }
        }

        @Override
        public String toString() {
            return "SignMomentum(lr=" + lr + ", beta=" + beta + ")";
        }
    }

    @Test
    void aUserRuleGetsStateChecksAndSteps() {
        SignMomentum opt = new SignMomentum(0.1, 0.5);
        DMatrixRMaj w = new DMatrixRMaj(new double[][] {{1, -1}});
        DMatrixRMaj g = new DMatrixRMaj(new double[][] {{3, -0.2}});
        List<Param> params = List.of(new Param("w", w, g));
        opt.step(params);
        assertArrayEquals(new double[] {1 - 0.1 * 0.5, -1 + 0.1 * 0.5}, w.data, 1e-15);
        opt.step(params);
        // m = 0.5·0.5 + 0.5 = 0.75: the state was kept for this parameter
        assertArrayEquals(new double[] {1 - 0.05 - 0.075, -1 + 0.05 + 0.075}, w.data, 1e-15);
        assertEquals(2, opt.steps);
        g.set(0, 1, Double.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.step(params));
        assertEquals("SignMomentum(lr=0.1, beta=0.5): the gradient of parameter w holds NaN at entry 1; no parameter was"
                + " updated", e.getMessage());
        assertEquals(2, opt.steps, "a refused step does not begin");
        assertThrows(IllegalArgumentException.class, () -> new SignMomentum(0.1, 1.0));
    }

    @Test
    void anyRuleCanImplementTheInterface() {
        DMatrixRMaj w = new DMatrixRMaj(new double[][] {{4, 9}});
        DMatrixRMaj g = new DMatrixRMaj(new double[][] {{1, 1}});
        // a rule that is not per-entry: scale every parameter's step by its gradient's norm
        Optimizer normalized = params -> {
            for (Param p : params) {
                double norm = Math.sqrt(org.ejml.dense.row.CommonOps_DDRM.elementSum(elementSquares(p.grad())));
                for (int i = 0; i < p.value().getNumElements(); i++) p.value().data[i] -= p.grad().data[i] / norm;
            }
        };
        normalized.step(List.of(new Param("w", w, g)));
        assertTrue(Math.abs(w.get(0, 0) - (4 - Math.sqrt(0.5))) < 1e-15, w.toString());
    }

    private static DMatrixRMaj elementSquares(DMatrixRMaj m) {
        DMatrixRMaj s = m.copy();
        org.ejml.dense.row.CommonOps_DDRM.elementMult(s, m);
        return s;
    }
}
