//! A fast hasher for maps keyed by names: a word at a time, each mixed in with a
//! folded 64×64→128-bit multiply (as `foldhash` does), then a final avalanche. Schema names come from the developer, not from an
//! adversary, so SipHash's flooding resistance buys nothing here and costs the
//! validator and emitter a tenth of their time.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};

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

/// The hasher of a map whose keys are 32 bits of a hash already: it spreads them
/// over 64 bits (the table picks buckets with the low bits and tags with the top
/// seven).
#[derive(Clone, Copy, Default)]
pub(crate) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn write(&mut self, _: &[u8]) {
        unreachable!("Prehashed keys are u32 hashes")
    }

    #[inline]
    fn write_u32(&mut self, hash: u32) {
        self.0 = u64::from(hash).wrapping_mul(MULTIPLIER);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The end of a chain of entries whose keys share a hash.
const END: u32 = u32::MAX;

/// Entries by key, built for the whole-schema checks over tens of thousands of
/// names. A [`NameMap`] slot holds its key and value (88 bytes for the relation
/// catalog), so at 10,000 tables every probe lands in a different cache line of a
/// table larger than a core's cache. Here a slot holds 32 bits of the key's hash
/// and a position (8 bytes: the 60,000 names of 10,000 tables take 1 MB); keys and
/// values sit in a vector in insertion order, read only when those bits are equal
/// (the same name again, or a collision, which the chain through `next` resolves).
pub(crate) struct NameIndex<K, V> {
    slots: HashMap<u32, u32, BuildHasherDefault<Prehashed>>,
    entries: Vec<(K, V, u32)>,
}

impl<K: Hash + Eq, V> NameIndex<K, V> {
    /// An index with room for `capacity` keys, so it never rehashes below that.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self { slots: HashMap::with_capacity_and_hasher(capacity, Default::default()), entries: Vec::with_capacity(capacity) }
    }

    fn hash<Q: Hash + ?Sized>(key: &Q) -> u32 {
        (BuildHasherDefault::<NameHasher>::default().hash_one(key) >> 32) as u32
    }

    /// The entry holding `key`: its position, or the last one of its hash chain.
    fn find<Q>(&self, hash: u32, key: &Q) -> Result<usize, Option<usize>>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + ?Sized,
    {
        let Some(&first) = self.slots.get(&hash) else { return Err(None) };
        let mut i = first as usize;
        loop {
            let (k, _, next) = &self.entries[i];
            if k.borrow() == key {
                return Ok(i);
            }
            if *next == END {
                return Err(Some(i));
            }
            i = *next as usize;
        }
    }

    /// Adds `key`, or returns the entry that already holds it (key and value).
    pub(crate) fn insert(&mut self, key: K, value: V) -> Result<(), (&K, &V)> {
        let hash = Self::hash(&key);
        let position = u32::try_from(self.entries.len()).expect("fewer than 2^32 names");
        match self.find(hash, &key) {
            Ok(i) => {
                let (k, v, _) = &self.entries[i];
                return Err((k, v));
            }
            Err(None) => {
                self.slots.insert(hash, position);
            }
            Err(Some(last)) => self.entries[last].2 = position,
        }
        self.entries.push((key, value, END));
        Ok(())
    }

    /// The value held for `key`.
    pub(crate) fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        // `Borrow` promises equal hashes for `key` and its owned form.
        self.find(Self::hash(key), key).ok().map(|i| &self.entries[i].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// A hasher that sends every key to one of two hashes, so that chains form.
    #[test]
    fn index_keeps_keys_apart_when_their_hashes_collide() {
        #[derive(PartialEq, Eq, Debug)]
        struct Clash(u32);
        impl Hash for Clash {
            fn hash<H: Hasher>(&self, state: &mut H) {
                (self.0 % 2).hash(state);
            }
        }
        let mut index = NameIndex::with_capacity(2);
        for i in 0..50 {
            assert!(index.insert(Clash(i), i * 10).is_ok());
        }
        assert_eq!(index.slots.len(), 2);
        for i in 0..50 {
            assert_eq!(index.get(&Clash(i)), Some(&(i * 10)));
        }
        assert_eq!(index.get(&Clash(50)), None);
        let (key, value) = index.insert(Clash(7), 0).unwrap_err();
        assert_eq!((key, *value), (&Clash(7), 70));
        assert_eq!(index.entries.len(), 50);
    }

    #[test]
    fn index_looks_up_borrowed_keys() {
        let mut index: NameIndex<(&str, &str), usize> = NameIndex::with_capacity(0);
        index.insert(("public", "users"), 1).unwrap();
        index.insert(("app", "users"), 2).unwrap();
        assert_eq!(index.get(&("public", "users")), Some(&1));
        assert_eq!(index.get(&("app", "users")), Some(&2));
        assert_eq!(index.get(&("app", "user")), None);
        assert!(index.insert(("public", "users"), 3).is_err());
    }
}
