package io.github.tapegrad.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** {@link Arena}: memory handed out by position, reused after a reclaim, and values that throw once reclaimed. */
class ArenaTest {

    @Test
    void theKthRequestOfEveryStepGetsTheSameMatrix() {
        Arena arena = new Arena();
        DMatrixRMaj a = arena.matrix(2, 3);
        DMatrixRMaj b = arena.matrix(4, 1);
        assertNotSame(a, b);
        arena.reclaim();
        assertSame(a, arena.matrix(3, 2), "the first request again: reshaped in place");
        assertEquals(3, a.numRows);
        assertSame(b, arena.matrix(4, 1));
        DMatrixRMaj c = arena.matrix(1, 1);
        assertNotSame(a, c, "a request beyond the last step's count gets new memory");
        long bytes = arena.bytes();
        arena.reclaim();
        arena.matrix(2, 3);
        arena.matrix(4, 1);
        arena.matrix(1, 1);
        assertEquals(bytes, arena.bytes(), "a step of the same shapes allocates nothing new");
    }

    @Test
    void reusedObjectsFollowTheirKey() {
        Arena arena = new Arena();
        Object first = arena.reuse("relu", Object::new);
        Object second = arena.reuse(List.of("affine", 1), Object::new);
        arena.reclaim();
        assertSame(first, arena.reuse("relu", Object::new));
        assertNotSame(second, arena.reuse(List.of("affine", 2), Object::new), "another key at the position: a new object");
        arena.reclaim();
        arena.reuse("relu", Object::new);
        assertNotSame(second, arena.reuse(List.of("affine", 1), Object::new), "the replaced object is gone");
    }

    @Test
    void aValueReadsAsMadeUntilReclaimThenThrowsNamingItsOp() {
        Arena arena = new Arena();
        DMatrixRMaj m = arena.matrix(2, 2);
        m.data[0] = 1;
        m.data[1] = 2;
        m.data[2] = 3;
        m.data[3] = 4;
        Tensor t = arena.tensor(m, "Affine", 4);
        Tensor kept = t.copy();
        assertArrayEquals(new double[] {1, 2, 3, 4}, t.toArray(), 0.0);
        assertArrayEquals(new int[] {4}, t.shape(), "the tensor takes the given shape over the matrix");
        assertEquals(kept, t);
        assertFalse(t.isReclaimed());
        arena.reclaim();
        assertTrue(t.isReclaimed());
        List<Consumer<Tensor>> reads = List.of(Tensor::toArray, x -> x.getFlat(0), x -> x.get(0), Tensor::hashCode,
                x -> x.equals(kept), Tensor::copy, x -> x.add(x), x -> x.mul(2.0), Tensor::sum, Tensor::hasNonFinite,
                x -> x.reshape(2, 2), x -> x.allClose(kept, new Tolerance(1, 1)), x -> RawStorage.read(x),
                x -> x.copyTo(new DMatrixRMaj(1, 1)), Tensor::toMatrix);
        for (int i = 0; i < reads.size(); i++) {
            Consumer<Tensor> read = reads.get(i);
            ReclaimedValueException e = assertThrows(ReclaimedValueException.class, () -> read.accept(t), "read " + i);
            assertTrue(e.getMessage().contains("made by Affine") && e.getMessage().contains("rewind"), e.getMessage());
        }
        assertTrue(t.toString().contains("reclaimed") && t.toString().contains("Affine"), "a description, not a read: " + t);
        assertArrayEquals(new int[] {4}, t.shape(), "the shape is not storage: still readable");
        assertArrayEquals(new double[] {1, 2, 3, 4}, kept.toArray(), 0.0, "a copy outlives its step");
        arena.matrix(2, 2).data[0] = 99;
        assertThrows(ReclaimedValueException.class, t::toArray, "reused memory is never shown through an old value");
    }

    @Test
    void aBorrowedMatrixIsReadInPlaceForOneStep() {
        Arena arena = new Arena();
        DMatrixRMaj w = new DMatrixRMaj(new double[][] {{1, 2}, {3, 4}});
        Tensor t = arena.borrow(w, "W1");
        assertSame(w, RawStorage.read(t), "no copy");
        arena.reclaim("close");
        ReclaimedValueException e = assertThrows(ReclaimedValueException.class, t::toArray);
        assertTrue(e.getMessage().contains("borrowed value 'W1'") && e.getMessage().contains("close"), e.getMessage());
    }

    /** Images kept as rows, borrowed as (N, C, H, W): the same array, read in the new shape, for one step. */
    @Test
    void aBorrowedMatrixIsReadInAnotherShape() {
        Arena arena = new Arena();
        DMatrixRMaj rows = new DMatrixRMaj(new double[][] {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}});
        Tensor t = arena.borrow(rows, "x", 2, 1, 2, 3);
        assertEquals(Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2, 1, 2, 3), t);
        assertSame(rows.data, RawStorage.read(t).data, "no copy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> arena.borrow(rows, "x", 2, 1, 2, 2));
        assertEquals("borrowed value 'x': shape (2x1x2x2) does not fit a (2x6) matrix", e.getMessage());
        arena.reclaim("rewind");
        assertThrows(ReclaimedValueException.class, t::toArray);
    }

    @Test
    void aShapeThatDoesNotFitTheMatrixIsRefused() {
        Arena arena = new Arena();
        DMatrixRMaj m = arena.matrix(2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> arena.tensor(m, "op", 5));
        assertEquals("op: shape (5) does not fit a (2x3) matrix", e.getMessage());
    }
}
