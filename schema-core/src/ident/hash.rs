//! A fast hasher for maps keyed by names: a word at a time, each mixed in with a
//! folded 64×64→128-bit multiply (as `foldhash` does), then a final avalanche. Schema names come from the developer, not from an
//! adversary, so SipHash's flooding resistance buys nothing here and costs the
//! validator and emitter a tenth of their time.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// See the module documentation.
#[derive(Clone, Copy, Default)]
pub(crate) struct NameHasher {
    hash: u64,
}

const SEED: u64 = 0x243f_6a88_85a3_08d3;
const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

impl NameHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        // A folded multiply: the low and high halves of the 128-bit product, xored.
        let product = u128::from(self.hash ^ word ^ SEED) * u128::from(MULTIPLIER);
        self.hash = (product as u64) ^ ((product >> 64) as u64);
    }
}

impl Hasher for NameHasher {
    #[inline]
    fn write(&mut self, mut bytes: &[u8]) {
        while let Some((chunk, rest)) = bytes.split_first_chunk::<8>() {
            self.add(u64::from_le_bytes(*chunk));
            bytes = rest;
        }
        // The tail as one word, its length in the top byte.
        if !bytes.is_empty() {
            let mut tail = [0u8; 8];
            tail[..bytes.len()].copy_from_slice(bytes);
            tail[7] = bytes.len() as u8;
            self.add(u64::from_le_bytes(tail));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // MurmurHash3's finalizer: every input bit reaches every output bit.
        let mut h = self.hash;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// A `HashMap` with [`NameHasher`].
pub(crate) type NameMap<K, V> = HashMap<K, V, BuildHasherDefault<NameHasher>>;
/// A `HashSet` with [`NameHasher`].
pub(crate) type NameSet<T> = HashSet<T, BuildHasherDefault<NameHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    #[test]
    fn distinct_names_hash_apart() {
        let build = BuildHasherDefault::<NameHasher>::default();
        let names: Vec<String> = (0..100_000)
            .flat_map(|i| [format!("table_{i:05}"), format!("t{i}"), format!("idx_table_{i:05}_parent_id"), format!("{i}")])
            .chain(["a".into(), "b".into(), "".into(), "\0".into()])
            .collect();
        let hashes: HashSet<u64> = names.iter().map(|n| build.hash_one(n)).collect();
        assert_eq!(hashes.len(), names.len());
        // The string's terminator keeps ("ab", "c") apart from ("a", "bc").
        assert_ne!(build.hash_one(("ab", "c")), build.hash_one(("a", "bc")));
        let mut h = NameHasher::default();
        "x".hash(&mut h);
        assert_ne!(h.finish(), 0);
    }
}
