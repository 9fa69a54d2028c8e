package io.github.tapegrad.nn.optim;

import org.ejml.data.DMatrixRMaj;

/**
 * A parameter and its gradient: what an {@link Optimizer} updates. Both matrices are live: {@code value} is updated
 * in place, {@code grad} is read. The name is for messages only.
 */
public record Param(String name, DMatrixRMaj value, DMatrixRMaj grad) {
    public Param {
        if (value.numRows != grad.numRows || value.numCols != grad.numCols) {
            throw new IllegalArgumentException("parameter " + name + ": value is (" + value.numRows + "x" + value.numCols
                    + ") but its gradient is (" + grad.numRows + "x" + grad.numCols + ")");
        }
    }
}
