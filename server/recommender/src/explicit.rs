//! The explicit model: Bayesian biased matrix factorization of ratings, fitted by Gibbs sampling
//! (Salakhutdinov & Mnih's BPMF, with user and item biases added).
//!
//! `rating ≈ mean + b_u + c_i + u · v`, with Gaussian noise of precision α. Factors have
//! Normal–Wishart hyperpriors, biases and α Gamma ones, so regularisation is learned from the data
//! rather than tuned. Predictions average the posterior: after a burn-in, the sweeps are split into
//! `blocks` consecutive runs, each run's factors are averaged, and the served model concatenates
//! the runs' factors scaled by `1/√blocks`, so one dot product gives the average of the runs'
//! predictions.

use rand::{SeedableRng, rngs::SmallRng};
use rand_distr::{ChiSquared, Distribution, Gamma, StandardNormal};

use crate::{
    linalg::{add_outer_lower, cholesky, dot, inverse_spd, solve_cholesky, solve_upper_t, symmetrize},
    matrix::{Csr, Interactions},
    model::FactorModel,
};

/// How the explicit model is fitted. The defaults are the production defaults, chosen on the
/// project's generated data (see the recommender benchmark), never on a test set.
#[derive(Clone, Debug)]
pub struct ExplicitConfig {
    /// Latent dimensions per sample.
    pub factors: usize,
    /// Sweeps discarded before averaging.
    pub burn_in: usize,
    /// Sweeps averaged.
    pub samples: usize,
    /// Runs the averaged sweeps are grouped into (the served model has `factors × blocks`
    /// dimensions).
    pub blocks: usize,
    /// Seed of the sampler; the same seed and data give the same model on any number of threads.
    pub seed: u64,
    /// Threads to use; 0 means one per core.
    pub threads: usize,
}

impl Default for ExplicitConfig {
    fn default() -> Self {
        ExplicitConfig { factors: 10, burn_in: 25, samples: 100, blocks: 4, seed: 42, threads: 0 }
    }
}

/// Rows updated with one random stream: fixed so results do not depend on the thread count.
const CHUNK: usize = 64;

/// One side of the factorisation (users or items).
struct Side {
    factors: Vec<f64>,
    bias: Vec<f64>,
}

/// A sample of one side's Normal–Wishart hyperparameters.
struct Hyper {
    mu: Vec<f64>,
    lambda: Vec<f64>,
    lambda_mu: Vec<f64>,
    bias_precision: f64,
}

fn normal(rng: &mut SmallRng) -> f64 {
    StandardNormal.sample(rng)
}

fn gamma(shape: f64, rate: f64, rng: &mut SmallRng) -> f64 {
    Gamma::new(shape, 1.0 / rate).expect("shape and rate are positive").sample(rng)
}

/// A draw from Wishart(scale, df) by Bartlett's decomposition.
fn wishart(scale: &[f64], df: f64, k: usize, rng: &mut SmallRng) -> Vec<f64> {
    let mut l = scale.to_vec();
    cholesky(&mut l, k).expect("the Wishart scale is positive definite");
    let mut a = vec![0.0; k * k];
    for i in 0..k {
        a[i * k + i] = ChiSquared::new(df - i as f64).expect("df > k - 1").sample(rng).sqrt();
        for j in 0..i {
            a[i * k + j] = normal(rng);
        }
    }
    // m = L · A, both lower triangular.
    let mut m = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            m[i * k + j] = (j..=i).map(|p| l[i * k + p] * a[p * k + j]).sum();
        }
    }
    let mut w = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            w[i * k + j] = dot(&m[i * k..i * k + k], &m[j * k..j * k + k]);
        }
    }
    symmetrize(&mut w, k);
    w
}

/// Samples a side's hyperparameters given its current factors (rows with data only).
fn sample_hyper(side: &Side, rows: &[usize], k: usize, rng: &mut SmallRng) -> Hyper {
    let (beta0, nu0) = (2.0, k as f64);
    let n = rows.len() as f64;
    let mut mean = vec![0.0; k];
    for &r in rows {
        for (m, x) in mean.iter_mut().zip(&side.factors[r * k..r * k + k]) {
            *m += x / n.max(1.0);
        }
    }
    // W*⁻¹ = I + scatter + β₀N/(β₀+N) · x̄ x̄ᵀ   (μ₀ = 0, W₀ = I)
    let mut w_inv = vec![0.0; k * k];
    for d in 0..k {
        w_inv[d * k + d] = 1.0;
    }
    let mut centred = vec![0.0; k];
    for &r in rows {
        for ((c, x), m) in centred.iter_mut().zip(&side.factors[r * k..r * k + k]).zip(&mean) {
            *c = x - m;
        }
        add_outer_lower(&mut w_inv, k, &centred, 1.0);
    }
    add_outer_lower(&mut w_inv, k, &mean, beta0 * n / (beta0 + n));
    symmetrize(&mut w_inv, k);
    let scale = inverse_spd(&w_inv, k).expect("I + PSD is positive definite");
    let lambda = wishart(&scale, nu0 + n, k, rng);
    // μ ~ N(μ*, (β* Λ)⁻¹)
    let beta = beta0 + n;
    let mut l: Vec<f64> = lambda.iter().map(|x| x * beta).collect();
    cholesky(&mut l, k).expect("a Wishart draw is positive definite");
    let mut z: Vec<f64> = (0..k).map(|_| normal(rng)).collect();
    solve_upper_t(&l, k, &mut z);
    let mu: Vec<f64> = mean.iter().zip(&z).map(|(m, z)| m * n / beta + z).collect();
    let lambda_mu = (0..k).map(|i| dot(&lambda[i * k..i * k + k], &mu)).collect();
    // Bias precision: Gamma(1, 1) prior.
    let sum_sq: f64 = rows.iter().map(|&r| side.bias[r] * side.bias[r]).sum();
    let bias_precision = gamma(1.0 + n / 2.0, 1.0 + sum_sq / 2.0, rng);
    Hyper { mu, lambda, lambda_mu, bias_precision }
}

/// What one sweep of one side needs to read.
struct SweepInput<'a> {
    rows: &'a Csr,
    other: &'a Side,
    hyper: &'a Hyper,
    mean: f64,
    alpha: f64,
    k: usize,
    seed: u64,
}

/// Resamples rows `first..first + bias.len()` of a side; `factors` and `bias` are those rows.
fn sweep_rows(input: &SweepInput, first: usize, factors: &mut [f64], bias: &mut [f64]) {
    let k = input.k;
    let mut precision = vec![0.0; k * k];
    let mut rhs = vec![0.0; k];
    let mut rng = SmallRng::seed_from_u64(0);
    for local in 0..bias.len() {
        let row = first + local;
        if row.is_multiple_of(CHUNK) || local == 0 {
            rng = SmallRng::seed_from_u64(input.seed ^ ((row / CHUNK) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        }
        let x = &mut factors[local * k..local * k + k];
        let (cols, values) = input.rows.row(row);
        if cols.is_empty() {
            x.copy_from_slice(&input.hyper.mu);
            bias[local] = 0.0;
            continue;
        }
        precision.copy_from_slice(&input.hyper.lambda);
        rhs.copy_from_slice(&input.hyper.lambda_mu);
        let own_bias = bias[local];
        for (&j, &r) in cols.iter().zip(values) {
            let j = j as usize;
            let v = &input.other.factors[j * k..j * k + k];
            let e = f64::from(r) - input.mean - own_bias - input.other.bias[j];
            add_outer_lower(&mut precision, k, v, input.alpha);
            for (acc, vd) in rhs.iter_mut().zip(v) {
                *acc += input.alpha * e * vd;
            }
        }
        if cholesky(&mut precision, k).is_err() {
            continue; // numerically singular: keep the previous draw for this sweep
        }
        solve_cholesky(&precision, k, &mut rhs);
        let mut z: Vec<f64> = (0..k).map(|_| normal(&mut rng)).collect();
        solve_upper_t(&precision, k, &mut z);
        for ((xd, m), zd) in x.iter_mut().zip(&rhs).zip(&z) {
            *xd = m + zd;
        }
        // The bias given the new factors.
        let residual: f64 = cols
            .iter()
            .zip(values)
            .map(|(&j, &r)| {
                let j = j as usize;
                f64::from(r) - input.mean - input.other.bias[j] - dot(x, &input.other.factors[j * k..j * k + k])
            })
            .sum();
        let bias_precision = input.hyper.bias_precision + input.alpha * cols.len() as f64;
        bias[local] = input.alpha * residual / bias_precision + normal(&mut rng) / bias_precision.sqrt();
    }
}

/// Resamples every row of `side`, splitting the rows over `threads`.
fn sweep(input: &SweepInput, side: &mut Side, threads: usize) {
    let rows = side.bias.len();
    let k = input.k;
    let per_thread = rows.div_ceil(threads).div_ceil(CHUNK) * CHUNK;
    if threads <= 1 || rows <= CHUNK {
        sweep_rows(input, 0, &mut side.factors, &mut side.bias);
        return;
    }
    std::thread::scope(|scope| {
        let factor_parts = side.factors.chunks_mut(per_thread * k);
        let bias_parts = side.bias.chunks_mut(per_thread);
        for (part, (factors, bias)) in factor_parts.zip(bias_parts).enumerate() {
            scope.spawn(move || sweep_rows(input, part * per_thread, factors, bias));
        }
    });
}

/// Sums of one run of consecutive sweeps.
struct Block {
    users: Vec<f64>,
    items: Vec<f64>,
    sweeps: usize,
}

/// Running sums of the averaged sweeps.
struct Averages {
    k: usize,
    blocks: Vec<Block>,
    user_bias: Vec<f64>,
    item_bias: Vec<f64>,
    count: usize,
}

/// Fits the explicit model to `data`, whose values are ratings.
pub fn fit_explicit(data: &Interactions, config: &ExplicitConfig) -> FactorModel {
    let k = config.factors.max(1);
    let (n_users, n_items) = (data.users.len(), data.items.len());
    let threads = match config.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        t => t,
    };
    let values: Vec<f32> = (0..n_users).flat_map(|u| data.by_user.row(u).1.to_vec()).collect();
    let n = values.len().max(1) as f64;
    let mean = values.iter().map(|&r| f64::from(r)).sum::<f64>() / n;
    let scale = values.iter().fold(None, |acc: Option<(f32, f32)>, &r| match acc {
        None => Some((r, r)),
        Some((lo, hi)) => Some((lo.min(r), hi.max(r))),
    });

    let mut rng = SmallRng::seed_from_u64(config.seed);
    let mut init =
        |rows: usize| Side { factors: (0..rows * k).map(|_| 0.1 * normal(&mut rng)).collect(), bias: vec![0.0; rows] };
    let mut users = init(n_users);
    let mut items = init(n_items);
    let user_rows: Vec<usize> = (0..n_users).filter(|&u| !data.by_user.row(u).0.is_empty()).collect();
    let item_rows: Vec<usize> = (0..n_items).filter(|&i| !data.by_item.row(i).0.is_empty()).collect();

    let blocks = config.blocks.clamp(1, config.samples.max(1));
    let mut avg = Averages {
        k,
        blocks: (0..blocks)
            .map(|_| Block { users: vec![0.0; n_users * k], items: vec![0.0; n_items * k], sweeps: 0 })
            .collect(),
        user_bias: vec![0.0; n_users],
        item_bias: vec![0.0; n_items],
        count: 0,
    };
    let mut alpha = 2.0;
    let total = config.burn_in + config.samples.max(1);
    for step in 0..total {
        let seed = config.seed.wrapping_add(1 + step as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
        let user_hyper = sample_hyper(&users, &user_rows, k, &mut rng);
        let item_hyper = sample_hyper(&items, &item_rows, k, &mut rng);
        let input = SweepInput { rows: &data.by_user, other: &items, hyper: &user_hyper, mean, alpha, k, seed };
        sweep(&input, &mut users, threads);
        let input = SweepInput { rows: &data.by_item, other: &users, hyper: &item_hyper, mean, alpha, k, seed: !seed };
        sweep(&input, &mut items, threads);

        // Noise precision given everything else: Gamma(1, 1) prior.
        let mut sse = 0.0;
        for &i in &item_rows {
            let (cols, vals) = data.by_item.row(i);
            let v = &items.factors[i * k..i * k + k];
            for (&u, &r) in cols.iter().zip(vals) {
                let u = u as usize;
                let e = f64::from(r) - mean - users.bias[u] - items.bias[i] - dot(&users.factors[u * k..u * k + k], v);
                sse += e * e;
            }
        }
        alpha = gamma(1.0 + n / 2.0, 1.0 + sse / 2.0, &mut rng);

        if step >= config.burn_in {
            let sample = step - config.burn_in;
            let block = &mut avg.blocks[sample * blocks / config.samples.max(1)];
            block.users.iter_mut().zip(&users.factors).for_each(|(a, x)| *a += x);
            block.items.iter_mut().zip(&items.factors).for_each(|(a, x)| *a += x);
            block.sweeps += 1;
            avg.user_bias.iter_mut().zip(&users.bias).for_each(|(a, x)| *a += x);
            avg.item_bias.iter_mut().zip(&items.bias).for_each(|(a, x)| *a += x);
            avg.count += 1;
        }
    }
    finish(data, avg, mean, scale)
}

fn finish(data: &Interactions, avg: Averages, mean: f64, scale: Option<(f32, f32)>) -> FactorModel {
    let k = avg.k;
    let weight = 1.0 / (avg.blocks.len() as f64).sqrt();
    // Row r of the served factors is block 0's k values, then block 1's, …, each block's mean
    // scaled by 1/√blocks.
    let concat = |rows: usize, sums: fn(&Block) -> &[f64]| {
        let mut out = ndarray::Array2::<f32>::zeros((rows, k * avg.blocks.len()));
        for (block, run) in avg.blocks.iter().enumerate() {
            let s = weight / run.sweeps.max(1) as f64;
            for (mut row, sum) in out.rows_mut().into_iter().zip(sums(run).chunks_exact(k)) {
                for (x, v) in row.iter_mut().skip(block * k).zip(sum) {
                    *x = (v * s) as f32;
                }
            }
        }
        out
    };
    let user_factors = concat(data.users.len(), |run| &run.users);
    let item_factors = concat(data.items.len(), |run| &run.items);
    let c = avg.count.max(1) as f64;
    FactorModel {
        users: data.users.clone(),
        items: data.items.clone(),
        mean: mean as f32,
        user_bias: avg.user_bias.iter().map(|x| (x / c) as f32).collect(),
        item_bias: avg.item_bias.iter().map(|x| (x / c) as f32).collect(),
        user_factors,
        item_factors,
        scale,
    }
}
