package io.github.tapegrad.engine.check;

import java.util.List;

/** The result of a gradient check of one function: one {@link InputReport} per input. */
public record Report(String name, List<InputReport> inputs, GradCheck.Options options) {

    public Report {
        inputs = List.copyOf(inputs);
    }

    /** True when every entry of every input passed. */
    public boolean passed() {
        return inputs.stream().allMatch(InputReport::passed);
    }

    /** The worst absolute error over all inputs. */
    public double maxAbsError() {
        return inputs.stream().mapToDouble(InputReport::maxAbsError).max().orElse(0);
    }

    /** Throws {@link GradCheckFailure} with the full report unless every input passed. */
    public Report requirePassed() {
        if (!passed()) throw new GradCheckFailure(toString());
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("gradient check of ").append(name).append(passed() ? ": PASS" : ": FAIL");
        for (InputReport r : inputs) sb.append("\n  ").append(r);
        return sb.toString();
    }
}
