//! The exponential function, several numbers at a time, for the projection's inner loop.

/// `2^(j/64)` for `j` in 0 to 63, for [`exp_each`], as the bits of the nearest `f64` (worked out
/// to 60 digits; a test holds them to the library's `exp2`).
const POWERS: [u64; 64] = [
    0x3ff0000000000000,
    0x3ff02c9a3e778061,
    0x3ff059b0d3158574,
    0x3ff0874518759bc8,
    0x3ff0b5586cf9890f,
    0x3ff0e3ec32d3d1a2,
    0x3ff11301d0125b51,
    0x3ff1429aaea92de0,
    0x3ff172b83c7d517b,
    0x3ff1a35beb6fcb75,
    0x3ff1d4873168b9aa,
    0x3ff2063b88628cd6,
    0x3ff2387a6e756238,
    0x3ff26b4565e27cdd,
    0x3ff29e9df51fdee1,
    0x3ff2d285a6e4030b,
    0x3ff306fe0a31b715,
    0x3ff33c08b26416ff,
    0x3ff371a7373aa9cb,
    0x3ff3a7db34e59ff7,
    0x3ff3dea64c123422,
    0x3ff4160a21f72e2a,
    0x3ff44e086061892d,
    0x3ff486a2b5c13cd0,
    0x3ff4bfdad5362a27,
    0x3ff4f9b2769d2ca7,
    0x3ff5342b569d4f82,
    0x3ff56f4736b527da,
    0x3ff5ab07dd485429,
    0x3ff5e76f15ad2148,
    0x3ff6247eb03a5585,
    0x3ff6623882552225,
    0x3ff6a09e667f3bcd,
    0x3ff6dfb23c651a2f,
    0x3ff71f75e8ec5f74,
    0x3ff75feb564267c9,
    0x3ff7a11473eb0187,
    0x3ff7e2f336cf4e62,
    0x3ff82589994cce13,
    0x3ff868d99b4492ed,
    0x3ff8ace5422aa0db,
    0x3ff8f1ae99157736,
    0x3ff93737b0cdc5e5,
    0x3ff97d829fde4e50,
    0x3ff9c49182a3f090,
    0x3ffa0c667b5de565,
    0x3ffa5503b23e255d,
    0x3ffa9e6b5579fdbf,
    0x3ffae89f995ad3ad,
    0x3ffb33a2b84f15fb,
    0x3ffb7f76f2fb5e47,
    0x3ffbcc1e904bc1d2,
    0x3ffc199bdd85529c,
    0x3ffc67f12e57d14b,
    0x3ffcb720dcef9069,
    0x3ffd072d4a07897c,
    0x3ffd5818dcfba487,
    0x3ffda9e603db3285,
    0x3ffdfc97337b9b5f,
    0x3ffe502ee78b3ff6,
    0x3ffea4afa2a490da,
    0x3ffefa1bee615a27,
    0x3fff50765b6e4540,
    0x3fffa7c1819e90d8,
];

/// `e^x` for each of several numbers at once (the four stocks of a run), to within 2 units in
/// the last place for `x` in -700 to 700 (beyond, the ends of that range), by Tang's method: `x = (64m + j) ln 2 / 64 + r`
/// with `|r| <= ln 2 / 128`, so `e^x = 2^m 2^(j/64) e^r`, the middle factor from a table and
/// `e^r` from its Taylor series to the 6th power (the remainder is below 2^-64 there). Written
/// here rather than taken from a crate because the same steps for every number, without calls,
/// let the compiler work on them side by side: the library `exp`, one number per call, took
/// a third of a projection's time.
#[inline(always)]
pub(crate) fn exp_each<const N: usize, const L: usize>(x: [[f64; L]; N]) -> [[f64; L]; N] {
    // ln 2 / 64 in two parts, the first with enough trailing zeros that `n` times it is exact.
    const STEP_HI: f64 = 6.931_471_803_691_238e-1 / 64.0;
    const STEP_LO: f64 = 1.908_214_929_270_587_7e-10 / 64.0;
    // 1.5 × 2^52: adding it rounds to a whole number, kept in the low bits.
    const ROUND: f64 = 6_755_399_441_055_744.0;
    // In three passes over the numbers, so that the first two, plain arithmetic, are done
    // several numbers to an instruction, and the series of one number waits on none of the
    // others'.
    let (mut shifted, mut r) = ([[0.0; L]; N], [[0.0; L]; N]);
    for k in 0..N {
        for l in 0..L {
            let x = x[k][l].clamp(-700.0, 700.0);
            shifted[k][l] = x * (64.0 * std::f64::consts::LOG2_E) + ROUND;
            let n = shifted[k][l] - ROUND;
            r[k][l] = (x - n * STEP_HI) - n * STEP_LO;
        }
    }
    let p = r.map(|r| {
        r.map(|r| {
            let r2 = r * r;
            1.0 + (r + r2
                * ((0.5 + r * (1.0 / 6.0))
                    + r2 * ((1.0 / 24.0 + r * (1.0 / 120.0)) + r2 * (1.0 / 720.0))))
        })
    });
    // n = 64m + j sits in the low bits of `shifted`: j picks 2^(j/64), m goes into its exponent.
    let mut out = [[0.0; L]; N];
    for k in 0..N {
        for l in 0..L {
            let bits = shifted[k][l].to_bits();
            let m = (bits as i64) << 13 >> 19;
            out[k][l] = f64::from_bits(POWERS[(bits & 63) as usize].wrapping_add((m as u64) << 52))
                * p[k][l];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{POWERS, exp_each};

    /// Units in the last place between two positive numbers.
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn exp_each_is_within_two_units_in_the_last_place_of_the_library_exp() {
        let mut worst = 0;
        for i in 0..=200_000 {
            let x = -40.0 + 80.0 * f64::from(i) / 200_000.0;
            let got = exp_each([[x, -x], [x / 7.0, x * 9.0]]);
            for (g, v) in got.into_iter().flatten().zip([x, -x, x / 7.0, x * 9.0]) {
                worst = worst.max(ulps(g, v.exp()));
            }
        }
        assert!(worst <= 2, "{worst} units in the last place");
        assert_eq!(exp_each([[0.0; 2]; 3]), [[1.0; 2]; 3]);
        for (j, bits) in POWERS.iter().enumerate() {
            assert!(
                ulps(f64::from_bits(*bits), (j as f64 / 64.0).exp2()) <= 1,
                "2^({j}/64)"
            );
        }
        assert!(exp_each([[-800.0, 800.0, 1.0, 2.0]])[0][0] > 0.0);
    }
}
