//! The tests' one source of generated cases: proptest's ChaCha generator from a fixed seed, so
//! the cases are the same on every run and machine, and a failing one is reproduced from its
//! seed.

use proptest::prelude::RngExt;
use proptest::test_runner::{RngAlgorithm, TestRng};

pub struct Dice(TestRng);

impl Dice {
    pub fn seeded(seed: u64) -> Dice {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        Dice(TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0.random_range(0..n)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True one time in `one_in`.
    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}
