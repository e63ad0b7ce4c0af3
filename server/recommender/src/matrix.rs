//! Sparse user × item data in compressed rows, both ways round, with dense indices for the
//! external ids of users and items.

use std::collections::HashMap;

/// Maps external ids (database or file ids) to dense indices `0..len` and back.
#[derive(Clone, Debug, Default)]
pub struct IdMap {
    ids: Vec<u64>,
    index: HashMap<u64, u32>,
}

impl IdMap {
    /// An id map over `ids`, in that order (duplicates keep their first index).
    pub fn from_ids(ids: impl IntoIterator<Item = u64>) -> Self {
        let mut map = IdMap::default();
        for id in ids {
            map.insert(id);
        }
        map
    }

    /// The index of `id`, adding it when new.
    pub fn insert(&mut self, id: u64) -> u32 {
        let next = self.ids.len() as u32;
        *self.index.entry(id).or_insert_with(|| {
            self.ids.push(id);
            next
        })
    }

    /// The index of `id`, if known.
    pub fn get(&self, id: u64) -> Option<u32> {
        self.index.get(&id).copied()
    }

    /// The external id at `index`.
    pub fn id(&self, index: u32) -> u64 {
        self.ids[index as usize]
    }

    /// How many ids there are.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Compressed sparse rows: row `r`'s entries are `cols[start[r]..start[r+1]]` with `values`
/// alongside.
#[derive(Clone, Debug)]
pub struct Csr {
    start: Vec<usize>,
    cols: Vec<u32>,
    values: Vec<f32>,
}

impl Csr {
    /// Builds from `(row, col, value)` triples; rows without entries are empty. Within a row,
    /// entries keep their input order.
    pub fn from_triples(rows: usize, triples: &[(u32, u32, f32)]) -> Self {
        let mut start = vec![0usize; rows + 1];
        for &(r, _, _) in triples {
            start[r as usize + 1] += 1;
        }
        for r in 0..rows {
            start[r + 1] += start[r];
        }
        let mut fill = start.clone();
        let mut cols = vec![0u32; triples.len()];
        let mut values = vec![0f32; triples.len()];
        for &(r, c, v) in triples {
            let at = &mut fill[r as usize];
            cols[*at] = c;
            values[*at] = v;
            *at += 1;
        }
        Csr { start, cols, values }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.start.len() - 1
    }

    /// Number of stored entries.
    pub fn nnz(&self) -> usize {
        self.cols.len()
    }

    /// Row `r`'s column indices and values.
    pub fn row(&self, r: usize) -> (&[u32], &[f32]) {
        let range = self.start[r]..self.start[r + 1];
        (&self.cols[range.clone()], &self.values[range])
    }

    /// All values, row by row, for in-place updates that follow `row`'s order.
    pub fn values_mut(&mut self) -> &mut [f32] {
        &mut self.values
    }
}

/// Observations of users on items, indexed both by user and by item.
#[derive(Clone, Debug)]
pub struct Interactions {
    /// External user ids.
    pub users: IdMap,
    /// External item ids.
    pub items: IdMap,
    /// Rows are users, columns items.
    pub by_user: Csr,
    /// Rows are items, columns users.
    pub by_item: Csr,
}

impl Interactions {
    /// Indexes `(user, item, value)` triples given with external ids. A repeated pair keeps its
    /// last value. `users` and `items` may already hold ids (for example every catalog movie, so
    /// that items without observations still get an index).
    pub fn build(mut users: IdMap, mut items: IdMap, observations: impl IntoIterator<Item = (u64, u64, f32)>) -> Self {
        let mut seen: HashMap<(u32, u32), usize> = HashMap::new();
        let mut triples: Vec<(u32, u32, f32)> = Vec::new();
        for (user, item, value) in observations {
            let key = (users.insert(user), items.insert(item));
            match seen.get(&key) {
                Some(&at) => triples[at].2 = value,
                None => {
                    seen.insert(key, triples.len());
                    triples.push((key.0, key.1, value));
                }
            }
        }
        let by_user = Csr::from_triples(users.len(), &triples);
        let flipped: Vec<_> = triples.iter().map(|&(u, i, v)| (i, u, v)).collect();
        let by_item = Csr::from_triples(items.len(), &flipped);
        Interactions { users, items, by_user, by_item }
    }

    /// Number of observations.
    pub fn len(&self) -> usize {
        self.by_user.nnz()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_both_ways_and_keeps_the_last_repeat() {
        let data = Interactions::build(
            IdMap::default(),
            IdMap::from_ids([500]),
            [(10, 100, 1.0), (20, 100, 2.0), (10, 200, 3.0), (10, 100, 4.0)],
        );
        assert_eq!((data.users.len(), data.items.len(), data.len()), (2, 3, 3));
        let (u10, i100, i200) =
            (data.users.get(10).unwrap(), data.items.get(100).unwrap(), data.items.get(200).unwrap());
        assert_eq!(data.items.get(500), Some(0));
        assert_eq!(data.by_user.row(u10 as usize), (&[i100, i200][..], &[4.0, 3.0][..]));
        assert_eq!(data.by_item.row(i100 as usize).1, &[4.0, 2.0]);
        assert_eq!(data.by_item.row(0), (&[][..], &[][..]));
        assert_eq!(data.users.id(u10), 10);
    }
}
