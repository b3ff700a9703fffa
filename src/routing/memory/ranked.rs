//! [`Ranked`]: a map keyed by arrival number that also answers "how many
//! keys are below this one" in O(log n) — the in-memory twin of `ZRANK` and
//! `ZCOUNT` on a sorted set scored by arrival. A `BTreeMap` holds the
//! entries; a Fenwick tree over the key range `base..base + capacity`
//! counts them. Keys are arrival numbers that only grow, so the range
//! slides: when a key falls outside it, the tree is rebuilt around the
//! keys present (at least twice their span, so rebuilds are rare).

use std::collections::BTreeMap;

#[derive(Debug)]
pub(super) struct Ranked<V> {
    entries: BTreeMap<u64, V>,
    base: u64,
    /// 1-based Fenwick tree: slot `i` covers key `base + i - 1`.
    tree: Vec<u32>,
}

impl<V> Default for Ranked<V> {
    fn default() -> Self {
        Self {
            entries: BTreeMap::new(),
            base: 0,
            tree: vec![0],
        }
    }
}

impl<V> Ranked<V> {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn first(&self) -> Option<(&u64, &V)> {
        self.entries.first_key_value()
    }

    /// Inserts or replaces the entry at `key`.
    pub fn insert(&mut self, key: u64, value: V) {
        if self.entries.insert(key, value).is_some() {
            return;
        }
        let fits = key >= self.base && key - self.base < self.capacity();
        if fits {
            self.add(key, true);
        } else {
            self.rebuild();
        }
    }

    pub fn remove(&mut self, key: u64) -> Option<V> {
        let v = self.entries.remove(&key)?;
        self.add(key, false);
        Some(v)
    }

    /// How many keys are below `key`.
    pub fn below(&self, key: u64) -> usize {
        if key <= self.base || self.entries.is_empty() {
            return 0;
        }
        let mut i = usize::try_from(key - self.base)
            .unwrap_or(usize::MAX)
            .min(self.tree.len() - 1);
        let mut sum = 0u64;
        while i > 0 {
            sum += u64::from(self.tree[i]);
            i &= i - 1;
        }
        sum as usize
    }

    fn capacity(&self) -> u64 {
        self.tree.len() as u64 - 1
    }

    fn add(&mut self, key: u64, up: bool) {
        let mut i = (key - self.base) as usize + 1;
        while i < self.tree.len() {
            self.tree[i] = if up {
                self.tree[i] + 1
            } else {
                self.tree[i] - 1
            };
            i += i & i.wrapping_neg();
        }
    }

    fn rebuild(&mut self) {
        let (Some(first), Some(last)) = (
            self.entries.first_key_value().map(|(k, _)| *k),
            self.entries.last_key_value().map(|(k, _)| *k),
        ) else {
            return;
        };
        let span = usize::try_from(last - first + 1).unwrap_or(usize::MAX / 4);
        let capacity = (span * 2).next_power_of_two().max(16);
        self.base = first;
        self.tree = vec![0; capacity + 1];
        let keys: Vec<u64> = self.entries.keys().copied().collect();
        for key in keys {
            self.add(key, true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn counts_like_a_sorted_set(ops in proptest::collection::vec((any::<bool>(), 0u64..400), 0..300)) {
            let mut ranked = Ranked::default();
            let mut model = std::collections::BTreeSet::new();
            for (step, (insert, key)) in ops.into_iter().enumerate() {
                // Arrival numbers mostly grow; some old ones come back.
                let key = if insert { key + step as u64 * 3 } else { key };
                if insert {
                    ranked.insert(key, ());
                    model.insert(key);
                } else {
                    prop_assert_eq!(ranked.remove(key).is_some(), model.remove(&key));
                }
                prop_assert_eq!(ranked.len(), model.len());
                for probe in [0, key, key + 1, key + 5000, model.first().copied().unwrap_or(0)] {
                    prop_assert_eq!(ranked.below(probe), model.range(..probe).count());
                }
            }
        }
    }
}
