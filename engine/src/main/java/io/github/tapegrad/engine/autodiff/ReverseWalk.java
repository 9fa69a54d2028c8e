package io.github.tapegrad.engine.autodiff;

import io.github.tapegrad.engine.tensor.Arena;
import io.github.tapegrad.engine.tensor.RawStorage;
import io.github.tapegrad.engine.tensor.Shapes;
import io.github.tapegrad.engine.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * The reverse sweep: from the output's cotangent back along the record, each recorded op's rule turning its output's
 * cotangent into its inputs' contributions, which are summed per value. Only records on a path from a requested
 * value to the output are visited; a cotangent nobody will read again is dropped as soon as its op has run.
 */
final class ReverseWalk {
    private ReverseWalk() {}

    /** A scalar seed of shape (): shared, as tensors never change. */
    private static final Tensor ONE = Tensor.scalar(1.0);

    static Gradients run(Tape tape, GradientRequest request) {
        Var output = request.output();
        if (!output.isTracked()) {
            throw new IllegalArgumentException("gradients: the output " + output + " is not tracked: it depends on no"
                    + " variable of this tape (was it computed from constants, detached, or under noRecord?)");
        }
        Var[] wrt = request.wrt().toArray(new Var[0]);
        for (int i = 0; i < wrt.length; i++) {
            Var w = wrt[i];
            if (!w.isTracked()) {
                throw new IllegalArgumentException("gradients: cannot differentiate with respect to " + w
                        + ": it is not tracked (a constant, a detached value, or a result computed under noRecord)");
            }
            if (request.into() != null) {
                for (int j = 0; j < i; j++) {
                    if (wrt[j] == w) throw new IllegalArgumentException("gradients: " + w + " is listed twice");
                }
            }
        }
        if (request.into() != null) checkBuffers(tape, request.into());
        Tensor seed = seedFor(output, request.seed());
        boolean everyValue = request.everyValue();
        int end = output.id();
        boolean[] wanted = new boolean[end + 1];
        boolean[] reaches = new boolean[end + 1];
        if (everyValue) Arrays.fill(reaches, true);
        for (Var w : wrt) {
            if (w.id() <= end) wanted[w.id()] = reaches[w.id()] = true;
        }
        for (int i = 0; i <= end && !everyValue; i++) {
            Primitive op = tape.node(i).op();
            if (op == null || reaches[i]) continue;
            for (Var in : op.inputs()) reaches[i] |= in.isTracked() && reaches[in.id()];
        }
        Var[] cotangent = new Var[end + 1];
        cotangent[end] = tape.constant(seed);
        boolean previous = tape.setRecording(request.isDifferentiable());
        // NOTE: a plain request's intermediate gradients live only for this walk and its step: their storage comes from
        // the tape's arena, so a training loop that rewinds its tape computes them in the previous step's memory. A
        // differentiable request records its gradients as values of the graph, in memory of their own.
        Arena.Scope scope = request.isDifferentiable() ? null : tape.arena().valuesFrom("a gradient rule");
        try {
            for (int i = end; i >= 0; i--) {
                Var g = cotangent[i];
                if (g == null || !reaches[i]) continue;
                Tape.Node node = tape.node(i);
                if (node.op() == null) continue;
                if (scope != null) scope.madeBy(ruleName(node.op()));
                List<Var> inputs = node.op().inputs();
                boolean[] needs = new boolean[inputs.size()];
                boolean any = false;
                for (int k = 0; k < needs.length; k++) {
                    Var in = inputs.get(k);
                    needs[k] = in.isTracked() && reaches[in.id()];
                    any |= needs[k];
                }
                if (!any) continue;
                Var[] grads = FiniteChecks.rule(node, () -> node.op().vjp(g, node.value(), needs));
                for (int k = 0; k < needs.length; k++) {
                    if (!needs[k] || grads[k] == null) continue;
                    Var in = inputs.get(k);
                    if (!Arrays.equals(grads[k].shape(), in.shape())) {
                        throw new IllegalStateException("gradient rule of " + node.op().name() + " returned shape "
                                + Shapes.format(grads[k].shape()) + " for input " + k + " of shape " + Shapes.format(in.shape()));
                    }
                    Var acc = cotangent[in.id()];
                    cotangent[in.id()] = acc == null ? grads[k] : acc.add(grads[k]);
                }
                if (!everyValue && !wanted[i]) cotangent[i] = null;
            }
        } finally {
            if (scope != null) scope.close();
            tape.setRecording(previous);
        }
        Gradients gradients = new Gradients(tape, cotangent, wrt, request.isDifferentiable(), everyValue);
        if (request.into() != null) {
            for (int i = 0; i < wrt.length; i++) gradients.get(wrt[i]).copyTo(request.into().get(i));
        }
        return gradients;
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, String> RULE_NAMES = new java.util.concurrent.ConcurrentHashMap<>();

    /** "the gradient rule of matmul": made once per op name, so that naming a step's values allocates nothing. */
    private static String ruleName(Primitive op) {
        String name = op.name();
        String cached = RULE_NAMES.get(name);
        if (cached != null) return cached;
        // a bounded cache: custom ops may carry names made on the fly
        return RULE_NAMES.size() < 1024 ? RULE_NAMES.computeIfAbsent(name, n -> "the gradient rule of " + n) : "the gradient rule of " + name;
    }

    /** A buffer to copy into must not be the storage of a value on the tape: the copy would change that value. */
    private static void checkBuffers(Tape tape, List<DMatrixRMaj> into) {
        for (int i = 0; i < into.size(); i++) {
            double[] target = into.get(i).data;
            for (int id = 0; id < tape.size(); id++) {
                Var v = tape.node(id).value();
                if (!v.value().isReclaimed() && RawStorage.read(v.value()).data == target) {
                    throw new IllegalArgumentException("gradients: buffer " + i + " is the storage of " + v
                            + "; copying a gradient there would change that value");
                }
            }
        }
    }

    private static Tensor seedFor(Var output, Tensor seed) {
        if (seed == null) {
            if (output.value().size() != 1) {
                throw new IllegalStateException("grad can be implicitly created only for scalar outputs; output shape is "
                        + Shapes.format(output.shape()) + " - pass a seed gradient of that shape");
            }
            return output.value().rank() == 0 ? ONE : Tensor.ones(output.shape());
        }
        if (!Arrays.equals(seed.shape(), output.shape())) {
            throw new IllegalArgumentException("gradients: seed shape " + Shapes.format(seed.shape())
                    + " does not match output shape " + Shapes.format(output.shape()));
        }
        return seed;
    }
}
