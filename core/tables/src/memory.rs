//! Memory: how large buffers are backed, and columns written once without being zeroed first.
//! The only unsafe code of the crate lives here.
//!
//! A batch writes a hundred megabytes or more of fresh columns. On Linux the kernel backs fresh
//! memory with 4 KiB pages, one page fault each on first touch, which on virtual machines can cost
//! as much as computing the schedules; with transparent huge pages (2 MiB) the same memory takes a
//! few hundred faults. Where the system leaves huge pages to the program (`madvise` mode), the
//! batch asks for them. Elsewhere this does nothing.

use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Ask the kernel to back the 2 MiB-aligned part of `buf` with transparent huge pages. Only how the
/// memory is backed changes, never its contents; a refusal is ignored.
pub(crate) fn advise_huge_pages<T>(buf: &mut [T]) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        const HUGE_PAGE: usize = 2 << 20;
        let start = buf.as_mut_ptr() as usize;
        let end = start + std::mem::size_of_val(buf);
        let aligned_start = start.next_multiple_of(HUGE_PAGE);
        let aligned_end = end - end % HUGE_PAGE;
        if aligned_end > aligned_start {
            // SAFETY: the range lies inside `buf`, memory this process owns and keeps mapped while
            // the borrow lasts; MADV_HUGEPAGE changes neither the mapping's contents nor its
            // protection, only which page size backs it.
            #[allow(unsafe_code)]
            let _ = unsafe {
                libc::madvise(aligned_start as *mut libc::c_void, aligned_end - aligned_start, libc::MADV_HUGEPAGE)
            };
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = buf;
}

/// A vector being filled once: its old contents dropped, room for `n` values, and the count of
/// values written through the [`Tail`] it hands out. When it is dropped, after the tail and
/// every part split from it are gone, the vector is `n` long: every slot was written, either by
/// the tasks or, for slots a task left, by the tail's own drop with `T::default()`.
///
/// This is how a batch's dense columns avoid being zeroed before they are written (an allocator
/// that hands back memory it already had must clear it first: a second pass over a hundred
/// megabytes).
pub(crate) struct WriteOnce<'v, T: Copy + Default> {
    vec: &'v mut Vec<T>,
    n: usize,
    written: AtomicUsize,
    handed_out: bool,
}

impl<'v, T: Copy + Default> WriteOnce<'v, T> {
    /// Empty `vec` and make room for `n` values (advised into huge pages when large).
    pub(crate) fn new(vec: &'v mut Vec<T>, n: usize) -> Self {
        vec.clear();
        vec.reserve_exact(n);
        advise_huge_pages(&mut vec.spare_capacity_mut()[..n]);
        WriteOnce { vec, n, written: AtomicUsize::new(0), handed_out: false }
    }

    /// The `n` slots to write, front to back; only the first call gets them (later calls get none).
    pub(crate) fn tail(&mut self) -> Tail<'_, T> {
        let n = if self.handed_out { 0 } else { self.n };
        self.handed_out = true;
        Tail { slots: &mut self.vec.spare_capacity_mut()[..n], filled: 0, written: &self.written }
    }
}

impl<T: Copy + Default> Drop for WriteOnce<'_, T> {
    fn drop(&mut self) {
        let n = self.n;
        if self.written.load(Ordering::Acquire) != n {
            // A tail was never dropped (leaked): write every slot rather than trust any.
            for slot in &mut self.vec.spare_capacity_mut()[..n] {
                slot.write(T::default());
            }
        }
        // SAFETY: the capacity is at least `n` (reserved in `new`) and the first `n` slots are
        // initialised: either the tail and its parts, which are disjoint and together cover
        // `0..n`, each wrote all of its slots before adding their number to `written` (in
        // `Tail::drop`), so `written == n` means every slot was written; or the loop above wrote
        // them all.
        #[allow(unsafe_code)]
        unsafe {
            self.vec.set_len(n);
        }
    }
}

/// Slots of a [`WriteOnce`] vector that one task writes front to back. Dropping it writes
/// `T::default()` into the slots left and counts them all as written.
pub(crate) struct Tail<'a, T: Copy + Default> {
    slots: &'a mut [MaybeUninit<T>],
    /// The first `filled` slots are written.
    filled: usize,
    written: &'a AtomicUsize,
}

impl<'a, T: Copy + Default> Tail<'a, T> {
    /// The first `mid` slots and the rest (each keeps the part of the written prefix it holds).
    pub(crate) fn split_at(mut self, mid: usize) -> (Self, Self) {
        let slots = std::mem::take(&mut self.slots);
        let (a, b) = slots.split_at_mut(mid);
        let written = self.written;
        let (fa, fb) = (self.filled.min(mid), self.filled.saturating_sub(mid));
        (Tail { slots: a, filled: fa, written }, Tail { slots: b, filled: fb, written })
    }

    /// Number of slots.
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    /// Write `values` at slot `at`, after writing `T::default()` into any slot before it still
    /// unwritten. `at` is never before the written prefix's end and `at + values.len()` never
    /// past the last slot (the batch writes its rows in order, into the rows set aside for them).
    pub(crate) fn write_at(&mut self, at: usize, values: &[T]) {
        debug_assert!(at >= self.filled && at + values.len() <= self.slots.len());
        self.fill_to(at);
        let end = self.filled + values.len();
        for (slot, v) in self.slots[self.filled..end].iter_mut().zip(values) {
            slot.write(*v);
        }
        self.filled = end;
    }

    /// Write `T::default()` into the unwritten slots before `at`.
    fn fill_to(&mut self, at: usize) {
        let at = at.min(self.slots.len());
        if at > self.filled {
            for slot in &mut self.slots[self.filled..at] {
                slot.write(T::default());
            }
            self.filled = at;
        }
    }
}

impl<T: Copy + Default> Drop for Tail<'_, T> {
    fn drop(&mut self) {
        self.fill_to(self.slots.len());
        self.written.fetch_add(self.slots.len(), Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slot_is_written_once_the_tails_are_gone() {
        let mut v = vec![7u32; 3]; // old contents are dropped
        {
            let mut w = WriteOnce::new(&mut v, 6);
            let (mut a, mut b) = w.tail().split_at(2);
            a.write_at(0, &[1, 2]);
            b.write_at(1, &[5]); // slot 2 (b's 0) is left: written with the default
            assert_eq!(b.len(), 4);
            drop((a, b));
            assert_eq!(w.tail().len(), 0, "the slots are handed out once");
        }
        assert_eq!(v, [1, 2, 0, 5, 0, 0]);
    }

    #[test]
    fn a_leaked_tail_leaves_no_slot_unwritten() {
        let mut v: Vec<i128> = Vec::new();
        {
            let mut w = WriteOnce::new(&mut v, 4);
            let mut t = w.tail();
            t.write_at(0, &[9]);
            std::mem::forget(t);
        }
        assert_eq!(v, [0, 0, 0, 0]);
    }
}
