//! Memory that goes back to the system after a burst.
//!
//! glibc serves an allocation of at least its "mmap threshold" with a mapping of its own, which
//! goes back to the system when freed. But each time such a block is freed, glibc raises the
//! threshold to its size (up to 32 MiB), and from then on blocks of that size come from the heap
//! arenas, where freed memory mostly stays. Password hashing takes 19 MiB per argon2id run, on
//! tokio's blocking threads, each with an arena of its own: after one burst of sign-ups the
//! process kept its peak (100 sign-ups at 50 at once: 667 MiB at the peak, 648 MiB after).
//!
//! Setting the threshold fixes it (glibc then stops adjusting it): every block of 1 MiB or more
//! (argon2's memory, decoded images, request bodies being checked) is mapped for its use and
//! unmapped when freed, so memory follows what is in use. Figures: `scripts/bench-flood`.

/// Blocks at least this large are always mapped on their own and returned when freed.
pub const MMAP_THRESHOLD: usize = 1024 * 1024;

/// Makes large blocks go back to the system when freed (see the module's documentation). Call
/// it first thing in `main`. Does nothing where the C library is not glibc.
pub fn return_large_blocks_when_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let threshold = libc::c_int::try_from(MMAP_THRESHOLD).unwrap_or(libc::c_int::MAX);
        // SAFETY: `mallopt` only sets an allocator parameter, which glibc reads under its own
        // locks; no memory is touched.
        let done = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, threshold) };
        if done != 1 {
            eprintln!("cinecloud: could not set the allocator's mmap threshold; memory may stay high after bursts");
        }
    }
}
