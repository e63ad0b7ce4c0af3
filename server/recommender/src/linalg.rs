//! The few dense operations the models need on small `k × k` systems, row-major in plain
//! slices: Cholesky factorisation, solves and an SPD inverse. The systems are tiny (k ≤ 128) and
//! solved hundreds of thousands of times, so this avoids both allocation and a LAPACK dependency.

/// A matrix that should have been symmetric positive definite was not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("matrix is not positive definite")]
pub struct NotPositiveDefinite;

/// Replaces the lower triangle of `a` (k × k, row-major) with its Cholesky factor `L`
/// (`a = L Lᵀ`). The upper triangle is left as it was and must not be read as part of `L`.
pub fn cholesky(a: &mut [f64], k: usize) -> Result<(), NotPositiveDefinite> {
    for j in 0..k {
        let mut d = a[j * k + j];
        for p in 0..j {
            d -= a[j * k + p] * a[j * k + p];
        }
        if d <= 0.0 || !d.is_finite() {
            return Err(NotPositiveDefinite);
        }
        let d = d.sqrt();
        a[j * k + j] = d;
        for i in j + 1..k {
            let mut s = a[i * k + j];
            for p in 0..j {
                s -= a[i * k + p] * a[j * k + p];
            }
            a[i * k + j] = s / d;
        }
    }
    Ok(())
}

/// Solves `L y = b` in place (`L` lower triangular from [`cholesky`]).
pub fn solve_lower(l: &[f64], k: usize, b: &mut [f64]) {
    for i in 0..k {
        let mut s = b[i];
        for p in 0..i {
            s -= l[i * k + p] * b[p];
        }
        b[i] = s / l[i * k + i];
    }
}

/// Solves `Lᵀ x = y` in place.
pub fn solve_upper_t(l: &[f64], k: usize, y: &mut [f64]) {
    for i in (0..k).rev() {
        let mut s = y[i];
        for p in i + 1..k {
            s -= l[p * k + i] * y[p];
        }
        y[i] = s / l[i * k + i];
    }
}

/// Solves `A x = b` in place given `A`'s Cholesky factor.
pub fn solve_cholesky(l: &[f64], k: usize, b: &mut [f64]) {
    solve_lower(l, k, b);
    solve_upper_t(l, k, b);
}

/// The inverse of an SPD matrix, as a full symmetric row-major matrix.
pub fn inverse_spd(a: &[f64], k: usize) -> Result<Vec<f64>, NotPositiveDefinite> {
    let mut l = a.to_vec();
    cholesky(&mut l, k)?;
    let mut inv = vec![0.0; k * k];
    let mut column = vec![0.0; k];
    for c in 0..k {
        column.iter_mut().enumerate().for_each(|(i, v)| *v = f64::from(u8::from(i == c)));
        solve_cholesky(&l, k, &mut column);
        for r in 0..k {
            inv[r * k + c] = column[r];
        }
    }
    Ok(inv)
}

/// `acc += s · x xᵀ`, lower triangle only (mirror with [`symmetrize`]).
#[inline]
pub fn add_outer_lower(acc: &mut [f64], k: usize, x: &[f64], s: f64) {
    for i in 0..k {
        let xi = s * x[i];
        let row = &mut acc[i * k..i * k + i + 1];
        for (a, xj) in row.iter_mut().zip(&x[..=i]) {
            *a += xi * xj;
        }
    }
}

/// Copies the lower triangle onto the upper one.
pub fn symmetrize(a: &mut [f64], k: usize) {
    for i in 0..k {
        for j in 0..i {
            a[j * k + i] = a[i * k + j];
        }
    }
}

/// Dot product.
#[inline]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_inverts_a_known_system() {
        // A = [[4, 2, 0.4], [2, 5, 1], [0.4, 1, 3]]
        let a = [4.0, 2.0, 0.4, 2.0, 5.0, 1.0, 0.4, 1.0, 3.0];
        let mut l = a;
        cholesky(&mut l, 3).unwrap();
        assert!((l[0] - 2.0).abs() < 1e-12 && (l[3] - 1.0).abs() < 1e-12 && (l[4] - 2.0).abs() < 1e-12);
        let x = [1.0, -2.0, 0.5];
        let mut b: Vec<f64> = (0..3).map(|r| dot(&a[r * 3..r * 3 + 3], &x)).collect();
        solve_cholesky(&l, 3, &mut b);
        for (got, want) in b.iter().zip(x) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        let inv = inverse_spd(&a, 3).unwrap();
        for r in 0..3 {
            for c in 0..3 {
                let product: f64 = (0..3).map(|p| a[r * 3 + p] * inv[p * 3 + c]).sum();
                assert!((product - f64::from(u8::from(r == c))).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn refuses_an_indefinite_matrix() {
        let mut a = [1.0, 2.0, 2.0, 1.0];
        assert_eq!(cholesky(&mut a, 2), Err(NotPositiveDefinite));
    }

    #[test]
    fn outer_products_accumulate_symmetrically() {
        let mut acc = vec![0.0; 4];
        add_outer_lower(&mut acc, 2, &[1.0, 2.0], 3.0);
        symmetrize(&mut acc, 2);
        assert_eq!(acc, vec![3.0, 6.0, 6.0, 12.0]);
    }
}
