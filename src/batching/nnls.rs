//! Non-negative least squares over the four step-time coefficients, exactly, for
//! `calibrate`.
//!
//! Knows nothing of measurements: it takes a design matrix and a right-hand side.

/// Non-negative least squares over four unknowns, exactly: the optimum is the unconstrained
/// least-squares solution on its own support, so trying all 16 supports and keeping the best
/// feasible one finds it (no iteration, no tolerance on a stopping rule). Columns are scaled
/// to unit norm first because the coefficients span eight orders of magnitude.
pub(super) fn nnls(a: &[[f64; 4]], y: &[f64]) -> [f64; 4] {
    let (scaled, scale) = unit_columns(a);
    let mut best = ([0.0; 4], y.iter().map(|v| v * v).sum::<f64>());
    for support in 1u32..16 {
        let Some(x) = least_squares_on(&scaled, y, support) else {
            continue;
        };
        if x.iter().all(|&v| v >= 0.0) {
            let r: f64 = scaled
                .iter()
                .zip(y)
                .map(|(row, yi)| (dot(row, &x) - yi).powi(2))
                .sum();
            if r < best.1 {
                best = (x, r);
            }
        }
    }
    std::array::from_fn(|j| best.0[j] / scale[j])
}

/// Least squares restricted to the columns in `support` (a bit set), by the normal equations;
/// `None` when those columns are linearly dependent.
fn least_squares_on(a: &[[f64; 4]], y: &[f64], support: u32) -> Option<[f64; 4]> {
    let cols: Vec<usize> = (0..4).filter(|j| support & (1 << j) != 0).collect();
    let n = cols.len();
    let mut m = vec![vec![0.0f64; n + 1]; n];
    for (row, yi) in a.iter().zip(y) {
        for (i, &ci) in cols.iter().enumerate() {
            for (k, &ck) in cols.iter().enumerate() {
                m[i][k] += row[ci] * row[ck];
            }
            m[i][n] += row[ci] * yi;
        }
    }
    let z = solve(m)?;
    let mut x = [0.0; 4];
    for (v, &c) in z.iter().zip(&cols) {
        x[c] = *v;
    }
    Some(x)
}

/// Gaussian elimination with partial pivoting on an augmented n × (n + 1) matrix.
fn solve(mut m: Vec<Vec<f64>>) -> Option<Vec<f64>> {
    let n = m.len();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| m[i][c].abs().total_cmp(&m[j][c].abs()))?;
        if m[p][c].abs() < 1e-12 {
            return None;
        }
        m.swap(c, p);
        let pivot = m[c].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot[c];
                for (x, p) in row[c..].iter_mut().zip(&pivot[c..]) {
                    *x -= f * p;
                }
            }
        }
    }
    Some((0..n).map(|i| m[i][n] / m[i][i]).collect())
}

/// `a` with each column divided by its norm (zero columns left as they are), and the norms.
fn unit_columns(a: &[[f64; 4]]) -> (Vec<[f64; 4]>, [f64; 4]) {
    let mut scale = [0.0f64; 4];
    for row in a {
        for (s, v) in scale.iter_mut().zip(row) {
            *s += v * v;
        }
    }
    let scale = scale.map(|s| if s > 0.0 { s.sqrt() } else { 1.0 });
    let scaled = a
        .iter()
        .map(|r| std::array::from_fn(|j| r[j] / scale[j]))
        .collect();
    (scaled, scale)
}

/// Whether the four columns of `a` are linearly independent (after scaling to unit norm):
/// only then do the rows determine every coefficient.
pub(super) fn full_rank(a: &[[f64; 4]]) -> bool {
    let scaled = unit_columns(a).0;
    least_squares_on(&scaled, &vec![0.0; scaled.len()], 0b1111).is_some()
}

pub(super) fn dot(a: &[f64; 4], b: &[f64; 4]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nnls_clamps_a_coefficient_that_least_squares_would_make_negative() {
        // y = 2·a0 − 1·a1 exactly; with a1 ≥ 0 forced, the best is a1 = 0.
        let a = [
            [1.0, 1.0, 0.0, 0.0],
            [1.0, 2.0, 0.0, 0.0],
            [1.0, 3.0, 0.0, 0.0],
        ];
        let x = nnls(&a, &[1.0, 0.0, -1.0]);
        assert_eq!(x[1], 0.0);
        assert!((x[0] - 0.0).abs() < 1e-12, "{x:?}");
    }

    #[test]
    fn rows_that_leave_a_coefficient_free_are_not_full_rank() {
        let free = [
            [1.0, 2.0, 0.0, 3.0],
            [1.0, 4.0, 0.0, 5.0],
            [1.0, 1.0, 0.0, 9.0],
            [1.0, 7.0, 0.0, 2.0],
        ];
        assert!(!full_rank(&free));
        let dependent = [
            [1.0, 2.0, 1.0, 3.0],
            [1.0, 4.0, 1.0, 5.0],
            [1.0, 1.0, 1.0, 9.0],
            [1.0, 7.0, 1.0, 2.0],
        ];
        assert!(!full_rank(&dependent));
        let ok = [
            [1.0, 2.0, 0.0, 3.0],
            [1.0, 4.0, 1.0, 5.0],
            [1.0, 1.0, 2.0, 9.0],
            [1.0, 7.0, 0.0, 2.0],
        ];
        assert!(full_rank(&ok));
    }
}
