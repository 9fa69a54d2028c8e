package io.github.tapegrad.nn.check;

import io.github.tapegrad.engine.autodiff.Gradients;
import io.github.tapegrad.engine.autodiff.Tape;
import io.github.tapegrad.engine.autodiff.Var;
import io.github.tapegrad.engine.check.GradCheck;
import io.github.tapegrad.engine.check.InputReport;
import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A layer's derivatives checked three ways at one point: the hand-written backward (A), the tape gradient of
 * ⟨dout, composite(x)⟩ (B) and central differences of ⟨dout, forward(x)⟩ (C), plus the fused op against the
 * composite. A ≈ B and fused ≈ composite are held to {@link #ANALYTIC_RELATIVE} (both sides are exact up to
 * rounding); A ≈ C and B ≈ C to the numerical check {@link #NUMERICAL}.
 */
public record DerivativeReport(String layer, List<InputReport> forward, List<InputReport> handVsTape,
                               List<InputReport> handVsNumerical, List<InputReport> tapeVsNumerical,
                               List<InputReport> fusedVsComposite) {

    /** |a − b| ≤ 1e-10·max(1, |a|, |b|) for two analytic results. */
    public static final double ANALYTIC_RELATIVE = 1e-10;

    /** The default numerical rule |a − n| ≤ 1e-5 + 1e-3·|n| (PyTorch gradcheck's). */
    public static final GradCheck.Options NUMERICAL = GradCheck.Options.DEFAULT;

    /** Runs all comparisons for one layer case. */
    public static DerivativeReport of(LayerCase c) {
        Tensor[] inputs = c.inputArray();
        Tensor out = c.forward().apply(inputs);
        Shapes.checkSame(c.layer() + " (dout vs output)", c.dout().shape(), out.shape());
        Tensor[] hand = c.backward().apply(inputs, c.dout());

        Tape tape = new Tape();
        Var[] vars = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) vars[i] = tape.variable(c.inputNames().get(i), inputs[i]);
        Var composite = c.composite().apply(vars);
        Gradients tapeGrads = tape.gradients(composite, c.dout(), vars);
        Var fused = c.fused().apply(vars);
        Gradients fusedGrads = tape.gradients(fused, c.dout(), vars);

        List<InputReport> fwd = List.of(
                InputReport.compareAnalytic("forward: hand-written vs composite", out, composite.value(), ANALYTIC_RELATIVE),
                InputReport.compareAnalytic("forward: fused vs composite", fused.value(), composite.value(), ANALYTIC_RELATIVE));
        List<InputReport> ab = new ArrayList<>();
        List<InputReport> ac = new ArrayList<>();
        List<InputReport> bc = new ArrayList<>();
        List<InputReport> fb = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            String name = c.inputNames().get(i);
            int k = i;
            Tensor numeric = GradCheck.numericalGradient(
                    args -> GradCheck.dot(c.dout(), c.forward().apply(args)), inputs, k, NUMERICAL.step());
            Tensor b = tapeGrads.get(vars[i]);
            ab.add(InputReport.compareAnalytic(name, hand[i], b, ANALYTIC_RELATIVE));
            ac.add(InputReport.compare(name, hand[i], numeric, NUMERICAL.tolerance()));
            bc.add(InputReport.compare(name, b, numeric, NUMERICAL.tolerance()));
            fb.add(InputReport.compareAnalytic(name, fusedGrads.get(vars[i]), b, ANALYTIC_RELATIVE));
        }
        return new DerivativeReport(c.layer(), fwd, ab, ac, bc, fb);
    }

    /** True when every comparison passed. */
    public boolean passed() {
        return all().stream().allMatch(InputReport::passed);
    }

    /** Every comparison, in report order. */
    public List<InputReport> all() {
        List<InputReport> all = new ArrayList<>(forward);
        all.addAll(handVsTape);
        all.addAll(handVsNumerical);
        all.addAll(tapeVsNumerical);
        all.addAll(fusedVsComposite);
        return all;
    }

    /** The largest absolute error among hand-written vs tape comparisons. */
    public double worstHandVsTape() {
        return handVsTape.stream().mapToDouble(InputReport::maxAbsError).max().orElse(0);
    }

    /** The largest absolute error among the comparisons with central differences. */
    public double worstVsNumerical() {
        double a = handVsNumerical.stream().mapToDouble(InputReport::maxAbsError).max().orElse(0);
        double b = tapeVsNumerical.stream().mapToDouble(InputReport::maxAbsError).max().orElse(0);
        return Math.max(a, b);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(layer).append(passed() ? ": PASS" : ": FAIL");
        section(sb, "forward", forward);
        section(sb, "hand-written vs tape", handVsTape);
        section(sb, "hand-written vs numerical", handVsNumerical);
        section(sb, "tape vs numerical", tapeVsNumerical);
        section(sb, "fused vs composite", fusedVsComposite);
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, List<InputReport> reports) {
        sb.append("\n  ").append(title);
        for (InputReport r : reports) sb.append("\n    ").append(r);
    }
}
