//! Serving the implicit model. A viewer's current signals are folded into a user vector at request
//! time — one least-squares solve against the trained item factors, as one ALS step would — so a
//! rating counts at once, without waiting for the next training. Every movie is ranked by that
//! vector; each pick is explained by the viewer's own movie it is most like; "More like this" is
//! cosine similarity of item factors. Movies without signals of their own get factors from the
//! movies whose metadata they share ([`with_metadata_neighbours`]).

use std::collections::HashMap;

use ndarray::Array2;

use crate::{
    implicit::{ImplicitConfig, gramian, solve_row},
    model::{FactorModel, dot_slices, top_n},
};

/// An implicit model ready to answer requests: the item factors, their Gramian for folding in, and
/// unit-length copies for similarity.
#[derive(Clone, Debug)]
pub struct Serving {
    model: FactorModel,
    config: ImplicitConfig,
    factors: Vec<f64>,
    gram: Vec<f64>,
    unit: Array2<f32>,
}

/// One recommended item.
#[derive(Clone, Debug, PartialEq)]
pub struct Pick {
    /// The item's external id.
    pub item: u64,
    /// Its score for the viewer (higher is better; comparable within one answer only).
    pub score: f32,
    /// The viewer's positive item it is most similar to, when one is similar at all.
    pub because: Option<u64>,
}

impl Serving {
    /// Prepares `model` (the implicit model's item side; user factors are not needed) fitted with
    /// `config`, whose weights and regularisation the fold-in repeats.
    pub fn new(model: FactorModel, config: &ImplicitConfig) -> Self {
        let k = model.dims();
        let factors: Vec<f64> = model.item_factors.iter().map(|&x| f64::from(x)).collect();
        let gram = if k == 0 { Vec::new() } else { gramian(&factors, k, config.unobserved_weight) };
        let mut unit = model.item_factors.clone();
        for mut row in unit.rows_mut() {
            let norm = row.iter().map(|x| x * x).sum::<f32>().sqrt();
            if norm > 0.0 {
                row.mapv_inplace(|x| x / norm);
            }
        }
        Serving { model, config: config.clone(), factors, gram, unit }
    }

    /// The model being served.
    pub fn model(&self) -> &FactorModel {
        &self.model
    }

    /// Whether `item` has factors.
    pub fn knows(&self, item: u64) -> bool {
        self.model.items.get(item).is_some()
    }

    /// The user vector for `signals` (`(item, value)`, values as for training: positive or
    /// negative strengths). `None` when no positive signal is on a known item: there is nothing
    /// to go on.
    pub fn fold_in(&self, signals: &[(u64, f32)]) -> Option<Vec<f32>> {
        let k = self.model.dims();
        let known: Vec<(u32, f32)> =
            signals.iter().filter_map(|&(item, value)| Some((self.model.items.get(item)?, value))).collect();
        if k == 0 || !known.iter().any(|&(_, v)| v > 0.0) {
            return None;
        }
        let rows = known.iter().map(|&(i, value)| (&self.factors[i as usize * k..i as usize * k + k], value));
        let mut scratch = vec![0.0; k * k];
        let mut x = vec![0.0; k];
        solve_row(&self.gram, &self.config, self.model.items.len(), rows, &mut scratch, &mut x);
        Some(x.into_iter().map(|v| v as f32).collect())
    }

    /// The `n` best items for a viewer with `signals`, skipping every item `excluded` names, each
    /// with the viewer's positive item it is most like. Empty when [`Serving::fold_in`] has nothing
    /// to go on.
    pub fn recommend(&self, signals: &[(u64, f32)], n: usize, mut excluded: impl FnMut(u64) -> bool) -> Vec<Pick> {
        let Some(user) = self.fold_in(signals) else { return Vec::new() };
        let scores = self.scores(&user);
        let own: Vec<u32> =
            signals.iter().filter(|&&(_, v)| v > 0.0).filter_map(|&(item, _)| self.model.items.get(item)).collect();
        top_n(&scores, n, |i| excluded(self.model.items.id(i)))
            .into_iter()
            .map(|(i, score)| Pick { item: self.model.items.id(i), score, because: self.most_similar_of(i, &own) })
            .collect()
    }

    /// The score of every item for a user vector.
    fn scores(&self, user: &[f32]) -> Vec<f32> {
        products(&self.model.item_factors, user)
    }

    /// The `n` items most similar to `item` by cosine of their factors (positive similarity only),
    /// skipping `item` itself and what `excluded` names.
    pub fn similar(&self, item: u64, n: usize, mut excluded: impl FnMut(u64) -> bool) -> Vec<(u64, f32)> {
        let Some(target) = self.model.items.get(item) else { return Vec::new() };
        let t = self.unit.row(target as usize);
        let t = t.as_slice().expect("rows are contiguous");
        let mut scores = products(&self.unit, t);
        // Only positive similarity counts as "like this".
        scores.iter_mut().filter(|s| **s <= 0.0).for_each(|s| *s = f32::NAN);
        top_n(&scores, n, |i| i == target || excluded(self.model.items.id(i)))
            .into_iter()
            .map(|(i, s)| (self.model.items.id(i), s))
            .collect()
    }

    /// Which of `candidates` is most like item `i` (cosine above zero), as an external id.
    fn most_similar_of(&self, i: u32, candidates: &[u32]) -> Option<u64> {
        let v = self.unit.row(i as usize);
        let v = v.as_slice().expect("rows are contiguous");
        candidates
            .iter()
            .map(|&c| (c, dot_slices(v, self.unit.row(c as usize).as_slice().expect("rows are contiguous"))))
            .filter(|&(_, s)| s > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(c, _)| self.model.items.id(c))
    }
}

/// `matrix · v`, one pass over the matrix as a single slice: iterating ndarray rows costs as much
/// as the arithmetic at the served rank (measured: `docs/architecture.md`).
fn products(matrix: &Array2<f32>, v: &[f32]) -> Vec<f32> {
    let all = matrix.as_slice().expect("factors are one standard-layout block");
    all.chunks_exact(v.len().max(1)).map(|row| dot_slices(v, row)).collect()
}

/// How many of a feature's items are considered as metadata neighbours (the most-signalled ones).
const NEIGHBOURS_PER_FEATURE: usize = 200;
/// How many neighbours a new item's factors are averaged from.
const NEIGHBOURS: usize = 20;

/// Adds every item of `features` that `model` does not know, with factors averaged from the known
/// items whose features (genres, people, … as opaque ids) overlap most (Jaccard-weighted, up to
/// 20 neighbours). `popularity` ranks the known items a feature offers as neighbours; items sharing
/// nothing with a known item stay out. This is how a new movie gets recommended before anyone
/// has rated it.
pub fn with_metadata_neighbours(
    mut model: FactorModel,
    features: &HashMap<u64, Vec<u64>>,
    popularity: &HashMap<u64, f32>,
) -> FactorModel {
    let k = model.dims();
    if k == 0 || model.items.is_empty() {
        return model;
    }
    let mut by_feature: HashMap<u64, Vec<u32>> = HashMap::new();
    for i in 0..model.items.len() as u32 {
        if let Some(fs) = features.get(&model.items.id(i)) {
            for &f in fs {
                by_feature.entry(f).or_default().push(i);
            }
        }
    }
    let pop = |i: &u32| popularity.get(&model.items.id(*i)).copied().unwrap_or(0.0);
    for items in by_feature.values_mut() {
        items.sort_by(|a, b| pop(b).total_cmp(&pop(a)).then(a.cmp(b)));
        items.truncate(NEIGHBOURS_PER_FEATURE);
    }
    let mut new_ids: Vec<u64> = features.keys().copied().filter(|id| model.items.get(*id).is_none()).collect();
    new_ids.sort_unstable();
    let mut added: Vec<(u64, Vec<f32>)> = Vec::new();
    for id in new_ids {
        let mine = &features[&id];
        let mut shared: HashMap<u32, usize> = HashMap::new();
        for f in mine {
            for &i in by_feature.get(f).into_iter().flatten() {
                *shared.entry(i).or_default() += 1;
            }
        }
        let mut scored: Vec<(u32, f32)> = shared
            .into_iter()
            .map(|(i, common)| {
                let theirs = features.get(&model.items.id(i)).map_or(0, Vec::len);
                (i, common as f32 / (mine.len() + theirs - common) as f32)
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.truncate(NEIGHBOURS);
        let total: f32 = scored.iter().map(|s| s.1).sum();
        if total <= 0.0 {
            continue;
        }
        let mut v = vec![0f32; k];
        for &(i, w) in &scored {
            for (acc, x) in v.iter_mut().zip(model.item_factors.row(i as usize)) {
                *acc += w / total * x;
            }
        }
        added.push((id, v));
    }
    if added.is_empty() {
        return model;
    }
    let n = model.items.len() + added.len();
    let mut factors = model.item_factors.into_raw_vec_and_offset().0;
    let mut bias = model.item_bias.to_vec();
    for (id, v) in added {
        model.items.insert(id);
        factors.extend(v);
        bias.push(0.0);
    }
    model.item_factors = Array2::from_shape_vec((n, k), factors).expect("n × k factors");
    model.item_bias = ndarray::Array1::from(bias);
    model
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{IdMap, Interactions, fit_implicit};

    /// Two tastes: users 0–19 like items 0–9, users 20–39 like items 10–19.
    fn two_tastes() -> (FactorModel, ImplicitConfig) {
        let mut signals = Vec::new();
        for u in 0..40u64 {
            let base = if u < 20 { 0 } else { 10 };
            for i in 0..10u64 {
                if (u + i) % 3 != 0 {
                    signals.push((u, base + i, 1.0));
                }
            }
        }
        let data = Interactions::build(IdMap::default(), IdMap::default(), signals);
        let config = ImplicitConfig { factors: 4, threads: 1, ..ImplicitConfig::default() };
        (fit_implicit(&data, &config), config)
    }

    #[test]
    fn folding_in_a_new_viewer_recommends_their_taste_and_names_the_reason() {
        let (model, config) = two_tastes();
        let serving = Serving::new(model, &config);
        let picks = serving.recommend(&[(12, 1.0), (13, 1.0)], 5, |item| matches!(item, 12..=14));
        assert_eq!(picks.len(), 5);
        for pick in &picks {
            assert!((15..20).contains(&pick.item) || (10..12).contains(&pick.item), "{pick:?}");
            assert!(matches!(pick.because, Some(12 | 13)), "{pick:?}");
        }
        assert!(picks.windows(2).all(|w| w[0].score >= w[1].score));
        // Nothing known to go on: no answer rather than a guess.
        assert!(serving.recommend(&[(99, 1.0)], 5, |_| false).is_empty());
        assert!(serving.recommend(&[(12, -1.0)], 5, |_| false).is_empty());
    }

    #[test]
    fn a_negative_signal_lowers_that_item() {
        let (model, config) = two_tastes();
        let serving = Serving::new(model, &config);
        let score_of = |signals: &[(u64, f32)], item: u64| {
            serving.recommend(signals, 20, |_| false).into_iter().find(|p| p.item == item).map(|p| p.score)
        };
        let plain = score_of(&[(12, 1.0)], 15).unwrap();
        let with_negative = score_of(&[(12, 1.0), (15, -2.0)], 15).unwrap();
        assert!(with_negative < plain, "{with_negative} !< {plain}");
    }

    #[test]
    fn similar_items_share_a_taste() {
        let (model, config) = two_tastes();
        let serving = Serving::new(model, &config);
        let similar = serving.similar(3, 5, |item| item == 4);
        assert_eq!(similar.len(), 5);
        assert!(similar.iter().all(|&(item, s)| item < 10 && item != 3 && item != 4 && s > 0.0), "{similar:?}");
        assert!(serving.similar(999, 5, |_| false).is_empty());
    }

    #[test]
    fn new_items_borrow_factors_from_their_metadata_neighbours() {
        let (model, config) = two_tastes();
        let (genre_a, genre_b, director) = (1000, 1001, 2000);
        let mut features: HashMap<u64, Vec<u64>> = HashMap::new();
        for i in 0..20 {
            features.insert(i, vec![if i < 10 { genre_a } else { genre_b }]);
        }
        features.get_mut(&11).unwrap().push(director);
        features.insert(50, vec![genre_b, director]); // new, like the second taste
        features.insert(51, vec![3000]); // new, shares nothing: stays out
        let extended = with_metadata_neighbours(model, &features, &HashMap::new());
        assert_eq!(extended.items.len(), 21);
        assert!(extended.items.get(51).is_none());
        let serving = Serving::new(extended, &config);
        let similar: Vec<u64> = serving.similar(50, 5, |_| false).into_iter().map(|(i, _)| i).collect();
        assert_eq!(similar[0], 11, "{similar:?}");
        assert!(similar.iter().all(|&i| (10..20).contains(&i)), "{similar:?}");
        let picks = serving.recommend(&[(12, 1.0), (13, 1.0)], 20, |_| false);
        let rank_new = picks.iter().position(|p| p.item == 50).expect("the new item is recommended");
        assert!(rank_new < 11, "ranked {rank_new}");
    }
}
