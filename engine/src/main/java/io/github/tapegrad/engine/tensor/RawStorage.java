package io.github.tapegrad.engine.tensor;

import org.ejml.data.DMatrixRMaj;

/**
 * Zero-copy access to a tensor's storage, for kernels and layers that read it in place (tapegrad's own {@code nn}
 * layers and custom ops that need their speed). Not part of the user API: it trades the Tensor's guarantees for
 * speed, and what it returns must be neither modified nor kept.
 */
public final class RawStorage {
    private RawStorage() {}

    /**
     * The tensor's storage as a matrix ({@code rows = product of leading dims}, {@code cols = last dim}), for reading
     * during the current call only: do not modify it, and do not keep it past the step of the value's arena.
     *
     * @throws ReclaimedValueException when the tensor's storage has been reclaimed
     */
    public static DMatrixRMaj read(Tensor t) {
        return t.data();
    }

    /**
     * The tensor's storage as a (first dimension × the rest) matrix, for reading during the current call only, without
     * copying: {@code view} is pointed at the tensor's array and reshaped (its own array is dropped, not written). For
     * a batch of images (N, C, H, W) read as N rows, which {@link #read} would give as N·C·H rows.
     *
     * @return {@code view}
     * @throws ReclaimedValueException when the tensor's storage has been reclaimed
     */
    public static DMatrixRMaj readRows(Tensor t, DMatrixRMaj view) {
        DMatrixRMaj m = t.data();
        int rows = t.rank() == 0 ? 1 : t.dim(0);
        view.data = m.data;
        view.numRows = rows;
        view.numCols = rows == 0 ? 0 : t.size() / rows;
        return view;
    }

    /**
     * A rank-2 tensor over {@code m} itself, without copying: the caller hands a fresh matrix over for good and must
     * never touch it again. For matrices that nothing else will write; memory reused across steps belongs in an
     * {@link Arena}.
     */
    public static Tensor adopt(DMatrixRMaj m) {
        return Tensor.adopt(m);
    }
}
