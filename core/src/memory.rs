//! Memory: how large buffers are backed. The only unsafe code of the crate lives here.
//!
//! A batch writes a hundred megabytes or more of fresh columns. On Linux the kernel backs fresh
//! memory with 4 KiB pages, one page fault each on first touch, which on virtual machines can cost
//! as much as computing the schedules; with transparent huge pages (2 MiB) the same memory takes a
//! few hundred faults. Where the system leaves huge pages to the program (`madvise` mode), the
//! batch asks for them. Elsewhere this does nothing.

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
