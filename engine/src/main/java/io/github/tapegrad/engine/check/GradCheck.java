package io.github.tapegrad.engine.check;

import io.github.tapegrad.engine.autodiff.Gradients;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.engine.tensor.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Numerical gradients by central differences, and checks of the tape's gradients against them.
 *
 * <p><b>Step.</b> Each entry x is perturbed by h = ∛ε·max(1, |x|) ≈ 6.06e-6·max(1, |x|) (ε = 2⁻⁵², double's
 * machine epsilon). The central difference has rounding error ~ε/h and truncation error ~h², balanced at
 * h ≈ ∛ε; scaling with |x| keeps x ± h distinct from x. The quotient divides by the step actually taken,
 * (x+h) − (x−h), and the perturbed entry is restored to its exact saved value afterwards.
 *
 * <p><b>Rule.</b> An entry passes when |a − n| ≤ atol + rtol·|n| (PyTorch gradcheck's defaults: atol 1e-5,
 * rtol 1e-3). A non-scalar function is checked through ⟨c, f(x)⟩ for a seeded random cotangent c.
 */
public final class GradCheck {
    /** Machine-epsilon cube root, the relative central-difference step for double. */
    public static final double STEP = Math.cbrt(Math.ulp(1.0));

    private GradCheck() {}

    /** Tolerance, step and seed for a check. */
    public record Options(Tolerance tolerance, double step, long seed) {
        /** PyTorch gradcheck's defaults (atol 1e-5, rtol 1e-3), the ∛ε step and seed 0. */
        public static final Options DEFAULT = new Options(new Tolerance(1e-5, 1e-3), STEP, 0L);

        public Options {
            if (tolerance == null) throw new IllegalArgumentException("gradient check: the tolerance is required");
            if (!(step > 0 && step <= 0.1)) throw new IllegalArgumentException("step must be in (0, 0.1], got " + step);
        }

        public Options withTolerance(Tolerance newTolerance) {
            return new Options(newTolerance, step, seed);
        }

        public Options withSeed(long newSeed) {
            return new Options(tolerance, step, newSeed);
        }
    }

    /**
     * Central-difference gradient of a scalar-valued function of tensors with respect to input {@code which}.
     * The inputs are not modified: entries are perturbed in a private copy and restored exactly.
     */
    public static Tensor numericalGradient(Function<Tensor[], Double> f, Tensor[] inputs, int which, double step) {
        checkInputs(inputs, step);
        Tensor[] args = inputs.clone();
        int[] shape = inputs[which].shape();
        double[] x = inputs[which].toArray();
        double[] grad = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double saved = x[i];
            double h = step * Math.max(1.0, Math.abs(saved));
            double plus = saved + h;
            double minus = saved - h;
            x[i] = plus;
            args[which] = Tensor.of(x, shape);
            double fp = f.apply(args);
            x[i] = minus;
            args[which] = Tensor.of(x, shape);
            double fm = f.apply(args);
            x[i] = saved;
            grad[i] = (fp - fm) / (plus - minus);
        }
        return Tensor.of(grad, shape);
    }

    /** {@link #check(String, Function, Options, Tensor...)} with {@link Options#DEFAULT}. */
    public static Report check(String name, Function<Var[], Var> f, Tensor... inputs) {
        return check(name, f, Options.DEFAULT, inputs);
    }

    /**
     * Compares the tape's gradient of ⟨c, f(inputs)⟩ with central differences, input by input and entry by entry.
     *
     * @param name   what is checked (an op or layer name), for the report
     * @param f      the function, written with Var operations
     * @param inputs the point; all must be finite
     */
    public static Report check(String name, Function<Var[], Var> f, Options options, Tensor... inputs) {
        checkInputs(inputs, options.step());
        Tape tape = new Tape();
        Var[] vars = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) vars[i] = tape.variable("input " + i, inputs[i]);
        Var out = f.apply(vars);
        Tensor c = Tensor.normal(new Random(options.seed()), 0, 1, out.shape());
        Gradients grads = tape.gradients(out, c, vars);
        Function<Tensor[], Double> scalar = args -> dot(c, evaluate(f, args));
        List<InputReport> reports = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            Tensor numeric = numericalGradient(scalar, inputs, i, options.step());
            reports.add(InputReport.compare("input " + i, grads.get(vars[i]), numeric, options.tolerance()));
        }
        return new Report(name, reports, options);
    }

    /**
     * The cheap check for big inputs: along one seeded random direction u (unit norm over all inputs) and a
     * random cotangent c, compares ⟨VJP(c), u⟩ from the tape with the central difference of ⟨c, f(x + t·u)⟩ at t = 0.
     */
    public static DirectionalReport checkDirection(String name, Function<Var[], Var> f, Options options, Tensor... inputs) {
        checkInputs(inputs, options.step());
        Random rng = new Random(options.seed());
        Tape tape = new Tape();
        Var[] vars = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) vars[i] = tape.variable("input " + i, inputs[i]);
        Var out = f.apply(vars);
        Tensor c = Tensor.normal(rng, 0, 1, out.shape());
        Gradients grads = tape.gradients(out, c, vars);
        Tensor[] u = new Tensor[inputs.length];
        double norm2 = 0;
        double scale = 1;
        for (int i = 0; i < inputs.length; i++) {
            u[i] = Tensor.normal(rng, 0, 1, inputs[i].shape());
            norm2 += dot(u[i], u[i]);
            scale = Math.max(scale, inputs[i].size() == 0 ? 0 : inputs[i].abs().max().item());
        }
        double analytic = 0;
        for (int i = 0; i < inputs.length; i++) {
            u[i] = u[i].mul(1.0 / Math.sqrt(norm2));
            analytic += dot(grads.get(vars[i]), u[i]);
        }
        double h = options.step() * scale;
        Tensor[] plus = new Tensor[inputs.length];
        Tensor[] minus = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            plus[i] = inputs[i].add(u[i].mul(h));
            minus[i] = inputs[i].sub(u[i].mul(h));
        }
        double numeric = (dot(c, evaluate(f, plus)) - dot(c, evaluate(f, minus))) / (2 * h);
        double err = Math.abs(analytic - numeric);
        boolean pass = options.tolerance().accepts(analytic, numeric);
        return new DirectionalReport(name, analytic, numeric, err, pass, options);
    }

    /** Evaluates f on fresh values with recording off: the oracle never touches a gradient rule. */
    @SuppressWarnings("try") // the scope is the point: recording is off inside it
    static Tensor evaluate(Function<Var[], Var> f, Tensor[] args) {
        Tape tape = new Tape();
        try (Tape.NoRecord ignored = tape.noRecord()) {
            Var[] vars = new Var[args.length];
            for (int i = 0; i < args.length; i++) vars[i] = tape.variable(args[i]);
            return f.apply(vars).value();
        }
    }

    /** ⟨a, b⟩ = Σ aᵢ·bᵢ for two tensors of the same shape. */
    public static double dot(Tensor a, Tensor b) {
        Shapes.checkSame("dot", a.shape(), b.shape());
        double[] x = a.toArray();
        double[] y = b.toArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) s += x[i] * y[i];
        return s;
    }

    private static void checkInputs(Tensor[] inputs, double step) {
        if (!(step > 0 && step <= 0.1)) throw new IllegalArgumentException("gradient check: step must be in (0, 0.1], got " + step);
        for (int i = 0; i < inputs.length; i++) {
            int bad = inputs[i].firstNonFinite();
            if (bad >= 0) {
                throw new IllegalArgumentException("gradient check: input " + i + " of shape " + Shapes.format(inputs[i].shape())
                        + " holds the non-finite value " + inputs[i].getFlat(bad) + " at index "
                        + java.util.Arrays.toString(Shapes.unravel(bad, inputs[i].shape())));
            }
        }
    }

    /** The outcome of a directional check. */
    public record DirectionalReport(String name, double analytic, double numeric, double absError, boolean passed,
                                    Options options) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%s %s: directional derivative analytic %.12g vs numerical %.12g,"
                            + " |a - n| = %.3e (rule %s)",
                    passed ? "PASS" : "FAIL", name, analytic, numeric, absError, options.tolerance().rule());
        }
    }
}
