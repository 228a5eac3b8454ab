//! The dense columns of a batch: sized once for the whole book, then written by the parallel
//! tasks in disjoint parts, front to back, with no unsafe code.
//!
//! (Until 2026-12-07 the columns were written without being zeroed first, through `MaybeUninit`,
//! and large ones were advised into transparent huge pages with `madvise`. An A/B sitting showed
//! neither beyond the noise — `BENCHMARKS.md`, "Performance code that went" — so both went, with
//! the crate's only unsafe code and its libc dependency.)

/// A column being filled once: emptied, then `n` slots (set to `T::default()`), handed out once
/// as a [`Tail`] that the tasks split among themselves.
pub(crate) struct WriteOnce<'v, T: Copy + Default> {
    vec: &'v mut Vec<T>,
    handed_out: bool,
}

impl<'v, T: Copy + Default> WriteOnce<'v, T> {
    /// Empty `vec` and give it `n` slots.
    pub(crate) fn new(vec: &'v mut Vec<T>, n: usize) -> Self {
        vec.clear();
        vec.resize(n, T::default());
        WriteOnce { vec, handed_out: false }
    }

    /// The `n` slots to write, front to back; only the first call gets them (later calls get none).
    pub(crate) fn tail(&mut self) -> Tail<'_, T> {
        let n = if self.handed_out { 0 } else { self.vec.len() };
        self.handed_out = true;
        Tail { slots: &mut self.vec[..n] }
    }
}

/// Slots of a [`WriteOnce`] column that one task writes; slots it leaves keep `T::default()`.
pub(crate) struct Tail<'a, T: Copy + Default> {
    slots: &'a mut [T],
}

impl<T: Copy + Default> Tail<'_, T> {
    /// The first `mid` slots and the rest.
    pub(crate) fn split_at(self, mid: usize) -> (Self, Self) {
        let (a, b) = self.slots.split_at_mut(mid);
        (Tail { slots: a }, Tail { slots: b })
    }

    /// Number of slots.
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    /// Write `values` at slot `at` (`at + values.len()` is never past the last slot: the batch
    /// writes each loan's rows into the rows set aside for them).
    pub(crate) fn write_at(&mut self, at: usize, values: &[T]) {
        self.slots[at..at + values.len()].copy_from_slice(values);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slot_is_written_or_default() {
        let mut v = vec![7u32; 3]; // old contents are dropped
        {
            let mut w = WriteOnce::new(&mut v, 6);
            {
                let (mut a, mut b) = w.tail().split_at(2);
                a.write_at(0, &[1, 2]);
                b.write_at(1, &[5]); // slot 2 (b's 0) is left: the default
                assert_eq!(b.len(), 4);
            }
            assert_eq!(w.tail().len(), 0, "the slots are handed out once");
        }
        assert_eq!(v, [1, 2, 0, 5, 0, 0]);
    }
}
