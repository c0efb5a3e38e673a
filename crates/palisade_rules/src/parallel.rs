//! Work split over the machine's cores, with results in a fixed order: what runs in parallel
//! never changes what the engine returns.
//!
//! Written here (~40 lines over `std::thread::scope`) rather than taken from rayon: a command
//! runs one analysis and exits, so a pool whose idle threads spin before sleeping would cost CPU
//! time on a busy machine, and the work is one flat list.

use std::num::NonZero;
use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many threads the machine offers (read once).
pub fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, NonZero::get))
}

/// Runs `work` on the blocks of `block` consecutive positions of `0..len`, on up to [`cores`]
/// threads (the caller's among them; threads take the next block as they finish one, so uneven
/// blocks balance), and returns the results in block order. Fewer than `2 * block` positions run
/// on the caller's thread alone: starting a thread costs more than such work.
pub fn in_blocks<R: Send>(
    len: usize,
    block: usize,
    work: impl Fn(Range<usize>) -> R + Sync,
) -> Vec<R> {
    let block = block.max(1);
    let blocks = len.div_ceil(block);
    let range = |i: usize| i * block..((i + 1) * block).min(len);
    let threads = cores().min(blocks / 2);
    if threads <= 1 {
        return (0..blocks).map(|i| work(range(i))).collect();
    }
    let next = AtomicUsize::new(0);
    let run = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= blocks {
                return done;
            }
            done.push((i, work(range(i))));
        }
    };
    let mut all = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(run)).collect();
        let mut all = run();
        for helper in helpers {
            match helper.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::in_blocks;

    #[test]
    fn results_come_in_order_whatever_the_threads() {
        for len in [0, 1, 7, 64, 1000, 1001] {
            let parts = in_blocks(len, 16, |r| r.map(|i| i * 2).collect::<Vec<_>>());
            let flat: Vec<usize> = parts.into_iter().flatten().collect();
            assert_eq!(flat, (0..len).map(|i| i * 2).collect::<Vec<_>>());
        }
    }
}
