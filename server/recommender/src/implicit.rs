//! The implicit model: weighted alternating least squares for implicit feedback (Hu, Koren &
//! Volinsky 2008), in the form Rendle et al. revisit in "Revisiting the Performance of iALS"
//! (2022): every (user, item) pair is an observation of 0 with a small weight `α₀`, and each
//! signal adds its own weight and target. A positive signal of strength `w` pulls the score
//! towards 1 with weight `w`; a negative one (for example "not interested") pulls it towards 0.
//!
//! Signals are a general `(user, item, value)` list: `value > 0` is a positive of that strength,
//! `value < 0` a negative of strength `|value|`. Today ratings of 4 or more and "not interested"
//! feed it; playback and watchlist signals only need a value.

use rand::{SeedableRng, rngs::SmallRng};
use rand_distr::{Distribution, Normal};

use crate::{
    linalg::{add_outer_lower, cholesky, solve_cholesky, symmetrize},
    matrix::{Csr, Interactions},
    model::FactorModel,
};

/// How the implicit model is fitted; the defaults are the production defaults, chosen on
/// generated data and validation splits.
#[derive(Clone, Debug)]
pub struct ImplicitConfig {
    /// Latent dimensions.
    pub factors: usize,
    /// Alternating sweeps.
    pub iterations: usize,
    /// Weight of every unobserved pair (`α₀`).
    pub unobserved_weight: f64,
    /// Regularisation `λ`, scaled per row by `(n + α₀ · other_side)^exponent`.
    pub regularization: f64,
    /// The exponent `ν` of that scaling (0 = plain λ).
    pub regularization_exponent: f64,
    /// Standard deviation of the initial factors (divided by √factors).
    pub init_std: f64,
    /// Seed of the initialisation.
    pub seed: u64,
    /// Threads; 0 means one per core.
    pub threads: usize,
}

impl Default for ImplicitConfig {
    fn default() -> Self {
        ImplicitConfig {
            factors: 32,
            iterations: 10,
            unobserved_weight: 0.3,
            regularization: 0.02,
            regularization_exponent: 1.0,
            init_std: 0.1,
            seed: 42,
            threads: 0,
        }
    }
}

/// `Σ x xᵀ` over all rows, times `weight`, as a full symmetric matrix.
pub(crate) fn gramian(factors: &[f64], k: usize, weight: f64) -> Vec<f64> {
    let mut g = vec![0.0; k * k];
    for x in factors.chunks_exact(k) {
        add_outer_lower(&mut g, k, x, weight);
    }
    symmetrize(&mut g, k);
    g
}

struct Solve<'a> {
    rows: &'a Csr,
    other: &'a [f64],
    gram: &'a [f64],
    config: &'a ImplicitConfig,
    other_len: usize,
    k: usize,
}

fn solve_rows(input: &Solve, first: usize, out: &mut [f64]) {
    let k = input.k;
    let mut scratch = vec![0.0; k * k];
    for (local, x) in out.chunks_exact_mut(k).enumerate() {
        let (cols, values) = input.rows.row(first + local);
        let row = cols.iter().zip(values).map(|(&j, &value)| (&input.other[j as usize * k..j as usize * k + k], value));
        solve_row(input.gram, input.config, input.other_len, row, &mut scratch, x);
    }
}

/// One row's least-squares solution: `x = (G + Σ wⱼ vⱼvⱼᵀ + λ·(Σw + α₀·n)^ν · I)⁻¹ Σ₊ wⱼ vⱼ`,
/// where `G = α₀ VᵀV`, `n = other_len`, and the right-hand sum runs over positive signals only.
/// A row without signals, or one whose system is singular, gets zeros. `scratch` holds k × k.
pub(crate) fn solve_row<'v>(
    gram: &[f64],
    config: &ImplicitConfig,
    other_len: usize,
    signals: impl Iterator<Item = (&'v [f64], f32)>,
    scratch: &mut [f64],
    x: &mut [f64],
) {
    let k = x.len();
    scratch.copy_from_slice(gram);
    x.fill(0.0);
    let mut weight_sum = 0.0;
    for (v, value) in signals {
        let w = f64::from(value.abs());
        weight_sum += w;
        add_outer_lower(scratch, k, v, w);
        if value > 0.0 {
            for (bd, vd) in x.iter_mut().zip(v) {
                *bd += w * vd;
            }
        }
    }
    if weight_sum == 0.0 {
        return;
    }
    let reg = config.regularization
        * (weight_sum + config.unobserved_weight * other_len as f64).powf(config.regularization_exponent);
    for d in 0..k {
        scratch[d * k + d] += reg;
    }
    if cholesky(scratch, k).is_err() {
        x.fill(0.0);
        return;
    }
    solve_cholesky(scratch, k, x);
}

fn solve_side(input: &Solve, out: &mut [f64], threads: usize) {
    let k = input.k;
    let rows = out.len() / k;
    if threads <= 1 || rows < 64 {
        solve_rows(input, 0, out);
        return;
    }
    let per = rows.div_ceil(threads);
    std::thread::scope(|scope| {
        for (part, chunk) in out.chunks_mut(per * k).enumerate() {
            scope.spawn(move || solve_rows(input, part * per, chunk));
        }
    });
}

/// Fits the implicit model to `signals` (values as described in the module docs).
pub fn fit_implicit(signals: &Interactions, config: &ImplicitConfig) -> FactorModel {
    let k = config.factors.max(1);
    let (n_users, n_items) = (signals.users.len(), signals.items.len());
    let threads = match config.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        t => t,
    };
    let mut rng = SmallRng::seed_from_u64(config.seed);
    let init = Normal::new(0.0, config.init_std / (k as f64).sqrt()).expect("finite std");
    let mut users: Vec<f64> = (0..n_users * k).map(|_| init.sample(&mut rng)).collect();
    let mut items: Vec<f64> = (0..n_items * k).map(|_| init.sample(&mut rng)).collect();
    for _ in 0..config.iterations {
        let gram = gramian(&items, k, config.unobserved_weight);
        let input = Solve { rows: &signals.by_user, other: &items, gram: &gram, config, other_len: n_items, k };
        solve_side(&input, &mut users, threads);
        let gram = gramian(&users, k, config.unobserved_weight);
        let input = Solve { rows: &signals.by_item, other: &users, gram: &gram, config, other_len: n_users, k };
        solve_side(&input, &mut items, threads);
    }
    let to_array = |rows: usize, data: Vec<f64>| {
        ndarray::Array2::from_shape_vec((rows, k), data.into_iter().map(|x| x as f32).collect())
            .expect("rows × k values")
    };
    FactorModel {
        users: signals.users.clone(),
        items: signals.items.clone(),
        mean: 0.0,
        user_bias: ndarray::Array1::zeros(n_users),
        item_bias: ndarray::Array1::zeros(n_items),
        user_factors: to_array(n_users, users),
        item_factors: to_array(n_items, items),
        scale: None,
    }
}
