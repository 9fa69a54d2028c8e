package io.github.tapegrad.engine.autodiff;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tapegrad.engine.check.GradCheck;
import io.github.tapegrad.engine.check.InputReport;
import io.github.tapegrad.engine.tensor.Tensor;
import io.github.tapegrad.engine.testing.TensorGens;
import io.github.tapegrad.engine.testing.Tolerances;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Gradients of gradients, per primitive: the gradient that {@link Tape#differentiableGradients} records is
 * differentiated again and compared with central differences of that first gradient.
 *
 * <p>For a primitive f with inputs x and a cotangent c of f's shape (itself an input here), the first gradient is
 * gᵢ = ∂⟨c, f(x)⟩/∂xᵢ = Jᵢ(x)ᵀc, recorded on the tape. The checked scalar is F(x, c) = Σᵢ ⟨wᵢ, gᵢ⟩ with fixed random
 * wᵢ, so ∂F/∂x is a Hessian-vector product and ∂F/∂c = Σᵢ Jᵢwᵢ. The second part makes the check bite for the linear
 * primitives too (add, transpose, sum, …), whose Hessian is zero: their recorded rule must still carry the cotangent
 * through correctly. The numerical side differences F itself, that is the tape's first gradient, at the ∛ε step.
 *
 * <p>Tolerance: {@link Tolerances#SECOND_ORDER}.
 */
class SecondOrderProperties {
    /** 100 examples per primitive: each numerical gradient of F runs two first-gradient passes per input entry. */
    static final int EXAMPLES = 100;

    @TestFactory
    Stream<DynamicTest> everyPrimitivesRecordedGradientDifferentiatesCorrectly() {
        List<PrimitiveCases.Case> cases = new ArrayList<>(PrimitiveCases.all());
        // the table's custom op has no recordable rule (checked below); this one, x·tanh x, has
        cases.replaceAll(c -> c.op() == Primitive.Custom.class ? new PrimitiveCases.Case(Primitive.Custom.class,
                TensorGens.shapes(3, 4).zip(org.quicktheories.generators.SourceDSL.longs().all(), (shape, seed) ->
                        new PrimitiveCases.Example("custom x*tanh(x), recordable", v -> v[0].tape().apply(X_TANH_X, v[0]),
                                Tensor.uniform(seed, -2, 2, shape)))) : c);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.op().getSimpleName(), () -> {
            double[] worst = {0};
            TensorGens.qt(EXAMPLES).forAll(c.examples()).checkAssert(ex -> {
                for (InputReport r : check(c.op().getSimpleName(), ex)) {
                    assertTrue(r.passed(), () -> "second order of " + c.op().getSimpleName() + ", " + ex + ":\n  " + r);
                    worst[0] = Math.max(worst[0], r.maxAbsError());
                }
            });
            System.out.printf(Locale.ROOT, "second order %-12s worst |a-n| %.2e%n", c.op().getSimpleName(), worst[0]);
        }));
    }

    /** F's gradient from the tape against central differences of F, for every input of the example and for c. */
    static List<InputReport> check(String op, PrimitiveCases.Example ex) {
        Tensor[] x = ex.inputs();
        long seed = 31L * ex.toString().hashCode() + x.length;
        Random rng = new Random(seed);
        Tensor out = ex.applyOn(new Tape()).value();
        Tensor[] w = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) w[i] = Tensor.normal(rng, 0, 1, x[i].shape());
        Tensor[] point = new Tensor[x.length + 1];
        System.arraycopy(x, 0, point, 0, x.length);
        point[x.length] = Tensor.normal(rng, 0, 1, out.shape());
        Function<Var[], Var> f = vars -> secondOrderScalar(ex.f(), w, vars);

        Tape tape = new Tape();
        Var[] vars = new Var[point.length];
        for (int i = 0; i < point.length; i++) vars[i] = tape.variable(point[i]);
        Gradients second = tape.gradients(f.apply(vars), vars);
        List<InputReport> reports = new ArrayList<>();
        for (int i = 0; i < point.length; i++) {
            Tensor numeric = GradCheck.numericalGradient(args -> {
                Tape t = new Tape();
                Var[] vs = new Var[args.length];
                for (int j = 0; j < args.length; j++) vs[j] = t.variable(args[j]);
                return f.apply(vs).value().item();
            }, point, i, GradCheck.STEP);
            String input = i < x.length ? op + " input " + i : op + " cotangent c";
            reports.add(InputReport.compare(input, second.get(vars[i]), numeric, Tolerances.SECOND_ORDER.tolerance()));
        }
        return reports;
    }

    /** F(x, c) = Σᵢ ⟨wᵢ, ∂⟨c, f(x)⟩/∂xᵢ⟩, the first gradient recorded on the tape. */
    private static Var secondOrderScalar(Function<Var[], Var> f, Tensor[] w, Var[] vars) {
        Tape tape = vars[0].tape();
        Var[] x = java.util.Arrays.copyOf(vars, vars.length - 1);
        Var c = vars[vars.length - 1];
        Var inner = f.apply(x).mul(c).sum();
        Gradients first = tape.differentiableGradients(inner, x);
        Var total = null;
        for (int i = 0; i < x.length; i++) {
            Var term = first.var(x[i]).mul(tape.constant(w[i])).sum();
            total = total == null ? term : total.add(term);
        }
        return total;
    }

    /** f(x) = x·tanh x with a rule written in Var operations: f'(x) = t + x·(1 − t²), t = tanh x. */
    static final CustomOp X_TANH_X = CustomOp.of("xtanhx", in -> {
        Tensor x0 = in[0];
        Tensor t0 = x0.tanh();
        return new CustomOp.Result(x0.mul(t0), new CustomOp.Backward() {
            public Tensor[] vjp(Tensor g, boolean[] needs) {
                return new Tensor[] {g.mul(t0.add(x0.mul(t0.mul(t0).neg().add(1.0))))};
            }

            public Var[] recordedVjp(Var g, Var[] inputs, Var out, boolean[] needs) {
                Var x = inputs[0];
                Var t = x.tanh();
                return new Var[] {g.mul(t.add(x.mul(t.mul(t).neg().add(1.0))))};
            }
        });
    });

    /** A custom op without a recorded rule supports first gradients only, and says so when asked for more. */
    @Test
    void aCustomOpWithoutARecordedRuleFailsClearly() {
        TensorGens.qt(20).forAll(TensorGens.shapes(3, 4), org.quicktheories.generators.SourceDSL.longs().all())
                .checkAssert((shape, seed) -> {
                    Tape tape = new Tape();
                    Var x = tape.variable(Tensor.uniform(seed, -2, 2, shape));
                    Var y = tape.apply(PrimitiveCases.X_SIN_X, x).sum();
                    assertTrue(!tape.gradients(y, x).get(x).hasNonFinite(), "first gradients still work");
                    IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.differentiableGradients(y, x));
                    assertTrue(e.getMessage().contains("custom op 'xsinx' has no recordable gradient rule")
                            && e.getMessage().contains("recordedVjp"), e.getMessage());
                });
    }
}
