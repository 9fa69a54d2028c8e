package io.github.tapegrad.engine.autodiff;

import io.github.tapegrad.engine.tensor.Tensor;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * What a gradient request asks of {@link Tape#gradients(GradientRequest)}: a value, built step by step.
 *
 * <pre>{@code
 * Gradients g = tape.gradients(GradientRequest.of(loss, w, b));               // d loss / dw, d loss / db
 * tape.gradients(GradientRequest.of(y, x).withSeed(v));                        // vᵀ·J for a non-scalar y
 * tape.gradients(GradientRequest.of(loss, x).differentiable());                // differentiable again
 * tape.gradients(GradientRequest.of(loss, w, b).copyInto(dW, db));            // also into the caller's matrices
 * }</pre>
 *
 * @param output         the value to differentiate; one element unless a seed is given
 * @param wrt            the tracked values to differentiate with respect to
 * @param seed           the cotangent of the output (⟨seed, output⟩ is differentiated), or null for ones
 * @param isDifferentiable record the gradient computation, so the gradients can be differentiated again
 * @param everyValue     also keep the gradient of every tracked value of the tape (intermediates too), for graphs
 * @param into           null, or one caller matrix per value of {@code wrt}: the gradients are copied into them,
 *                       reshaped to each value's matrix shape, so that they outlive the step
 */
public record GradientRequest(Var output, List<Var> wrt, Tensor seed, boolean isDifferentiable, boolean everyValue,
                              List<DMatrixRMaj> into) {

    public GradientRequest {
        if (output == null) throw new IllegalArgumentException("gradients: null output");
        if (wrt == null) throw new IllegalArgumentException("gradients: null list of values");
        for (int i = 0; i < wrt.size(); i++) {
            if (wrt.get(i) == null) throw new IllegalArgumentException("gradients: value " + i + " to differentiate with respect to is null");
        }
        wrt = List.copyOf(wrt);
        if (into != null) {
            for (int i = 0; i < into.size(); i++) {
                if (into.get(i) == null) throw new IllegalArgumentException("gradients: buffer " + i + " is null");
            }
            into = List.copyOf(into);
        }
        if (into != null && into.size() != wrt.size()) {
            throw new IllegalArgumentException("gradients: " + wrt.size() + " values but " + into.size() + " buffers to copy into");
        }
        if (into != null) {
            for (int i = 0; i < into.size(); i++) {
                for (int j = 0; j < i; j++) {
                    if (into.get(j) == into.get(i)) throw new IllegalArgumentException("gradients: buffers " + j + " and " + i + " are the same matrix");
                }
            }
        }
    }

    /** The gradients of a scalar {@code output} with respect to {@code wrt}. */
    public static GradientRequest of(Var output, Var... wrt) {
        return new GradientRequest(output, java.util.Arrays.asList(wrt), null, false, false, null);
    }

    /** This request for ⟨seed, output⟩: the vector-Jacobian product of a non-scalar output. */
    public GradientRequest withSeed(Tensor seed) {
        if (seed == null) throw new IllegalArgumentException("gradients: null seed");
        return new GradientRequest(output, wrt, seed, isDifferentiable, everyValue, into);
    }

    /** This request with the gradient computation recorded, so that it can be differentiated again. */
    public GradientRequest differentiable() {
        return new GradientRequest(output, wrt, seed, true, everyValue, into);
    }

    /** This request keeping the gradient of every tracked value of the tape. */
    public GradientRequest ofEveryValue() {
        return new GradientRequest(output, wrt, seed, isDifferentiable, true, into);
    }

    /** This request with each gradient also copied into the caller's matrix, in the order of {@code wrt}. */
    public GradientRequest copyInto(DMatrixRMaj... buffers) {
        return new GradientRequest(output, wrt, seed, isDifferentiable, everyValue, java.util.Arrays.asList(buffers));
    }
}
