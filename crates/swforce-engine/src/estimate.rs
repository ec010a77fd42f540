//! Estimation of every authority's parameters from the published history, with partial pooling
//! toward its region (a random-effects model): a small authority's noisy rates borrow strength
//! from its neighbours, a large one's speak for themselves.

use crate::model::{Authority, Baseline, Param, Stocks};
use std::collections::BTreeMap;
use swforce_domain::Year;

/// One year of an authority's published workforce figures (FTE; cases a count). `None` where
/// the figure is suppressed or not published.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct YearFigures {
    pub inpost: Option<f64>,
    pub leavers: Option<f64>,
    pub starters: Option<f64>,
    pub agency: Option<f64>,
    pub agency_cover: Option<f64>,
    pub vacancies: Option<f64>,
    pub case_holders: Option<f64>,
    pub cases: Option<f64>,
}

/// One authority's history.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthorityHistory {
    pub code: String,
    pub name: String,
    pub region_code: String,
    /// Workforce figures by reporting year (to 30 September).
    pub years: BTreeMap<Year, YearFigures>,
    /// Children in need at 31 March, by year: the demand trend.
    pub children_in_need: BTreeMap<Year, f64>,
}

/// Every authority's history, and England's caseload by year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub authorities: Vec<AuthorityHistory>,
    pub england_caseload: BTreeMap<Year, f64>,
}

/// An authority's own estimate of a parameter and the variance of that estimate.
#[derive(Debug, Clone, Copy)]
struct Own {
    est: f64,
    var: f64,
}

fn mean_var(values: &[f64]) -> Option<(f64, f64)> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = if values.len() > 1 {
        values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        f64::NAN
    };
    Some((mean, var))
}

/// Partial pooling of authority estimates toward their region's (DerSimonian-Laird random
/// effects). `floor` is the smallest variance an estimate from one year may claim.
fn pool(own: &[Option<Own>], regions: &[&str], floor: f64, lo: f64, hi: f64) -> Vec<Param> {
    let mut by_region: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in regions.iter().enumerate() {
        by_region.entry(r).or_default().push(i);
    }
    let all: Vec<usize> = (0..own.len()).collect();
    let national = region_fit(own, &all, floor);
    let mut out = vec![Param::fixed(0.0); own.len()];
    for members in by_region.values() {
        let (mu, mu_var, tau2) = region_fit(own, members, floor)
            .unwrap_or_else(|| national.unwrap_or((0.5 * (lo + hi), 0.0, 0.0)));
        for &i in members {
            let p = match own[i] {
                Some(o) => {
                    let v = o.var.max(floor);
                    if tau2 <= 0.0 {
                        Param {
                            mean: mu,
                            sd: mu_var.sqrt(),
                        }
                    } else {
                        let w = tau2 / (tau2 + v);
                        Param {
                            mean: w * o.est + (1.0 - w) * mu,
                            sd: (w * v + (1.0 - w).powi(2) * mu_var).sqrt(),
                        }
                    }
                }
                None => Param {
                    mean: mu,
                    sd: (tau2 + mu_var).sqrt(),
                },
            };
            out[i] = Param {
                mean: p.mean.clamp(lo, hi),
                sd: p.sd,
            };
        }
    }
    out
}

/// A region's pooled mean, the variance of that mean and the between-authority variance.
fn region_fit(own: &[Option<Own>], members: &[usize], floor: f64) -> Option<(f64, f64, f64)> {
    let obs: Vec<Own> = members
        .iter()
        .filter_map(|&i| own[i])
        .map(|o| Own {
            est: o.est,
            var: o.var.max(floor),
        })
        .collect();
    if obs.is_empty() {
        return None;
    }
    let w: Vec<f64> = obs.iter().map(|o| 1.0 / o.var).collect();
    let sw: f64 = w.iter().sum();
    let fixed = obs.iter().zip(&w).map(|(o, w)| o.est * w).sum::<f64>() / sw;
    let q: f64 = obs
        .iter()
        .zip(&w)
        .map(|(o, w)| w * (o.est - fixed).powi(2))
        .sum();
    let c = sw - w.iter().map(|w| w * w).sum::<f64>() / sw;
    let k = obs.len() as f64;
    let tau2 = if c > 0.0 {
        ((q - (k - 1.0)) / c).max(0.0)
    } else {
        0.0
    };
    let wr: Vec<f64> = obs.iter().map(|o| 1.0 / (o.var + tau2)).collect();
    let swr: f64 = wr.iter().sum();
    let mu = obs.iter().zip(&wr).map(|(o, w)| o.est * w).sum::<f64>() / swr;
    Some((mu, 1.0 / swr, tau2))
}

/// An authority's own estimate from yearly values: their mean, with the variance of the mean
/// taken from the spread of the years (or `single` when there is one year).
fn own_from(values: &[f64], single: f64) -> Option<Own> {
    let (mean, var) = mean_var(values)?;
    let n = values.len() as f64;
    let var_mean = if var.is_nan() { single } else { var / n };
    Some(Own {
        est: mean,
        var: var_mean,
    })
}

/// An authority's own estimate of a level that persists from year to year (agency cover, the
/// case-holder share, the fill rate): its latest value, uncertain by the typical change from one
/// year to the next.
fn own_latest(values: &[f64], single: f64) -> Option<Own> {
    let last = *values.last()?;
    let var = if values.len() > 1 {
        let steps: Vec<f64> = values.windows(2).map(|w| w[1] - w[0]).collect();
        steps.iter().map(|d| d * d).sum::<f64>() / steps.len() as f64 / 2.0
    } else {
        single
    };
    Some(Own { est: last, var })
}

/// Ordinary least-squares slope of `ln(y)` on the year, and its variance and residual sd.
fn log_trend(points: &[(f64, f64)]) -> Option<(f64, f64, f64)> {
    let pts: Vec<(f64, f64)> = points
        .iter()
        .filter(|(_, y)| *y > 0.0)
        .map(|(x, y)| (*x, y.ln()))
        .collect();
    if pts.len() < 3 {
        return None;
    }
    let n = pts.len() as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let slope = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum::<f64>() / sxx;
    let resid: f64 = pts
        .iter()
        .map(|p| (p.1 - my - slope * (p.0 - mx)).powi(2))
        .sum();
    let s2 = resid / (n - 2.0);
    Some((slope, s2 / sxx, s2.sqrt()))
}

/// Estimates every authority's parameters from history up to and including `origin`.
///
/// An authority needs its origin-year in-post, agency, vacancy and case figures (falling back to
/// the year before where one is suppressed); one without them is listed in `excluded`. Where a
/// release lacks starters, they are derived from the stock identity (starters = in post this year
/// − in post last year + leavers), and the baseline says so.
pub fn estimate(history: &History, origin: Year) -> Baseline {
    let mut kept: Vec<(&AuthorityHistory, Stocks)> = Vec::new();
    let mut excluded = Vec::new();
    let mut agency_estimated = Vec::new();
    let mut from_year_before = Vec::new();
    for a in &history.authorities {
        let at = |y: Year| a.years.get(&y).copied().unwrap_or_default();
        let prev = origin.previous().map(at).unwrap_or_default();
        let now = at(origin);
        let mut earlier: Vec<String> = Vec::new();
        let mut pick = |f: fn(&YearFigures) -> Option<f64>, what: &str| {
            f(&now).or_else(|| {
                let v = f(&prev)?;
                earlier.push(what.to_string());
                Some(v)
            })
        };
        // An authority whose agency figure is withheld keeps its latest published agency rate.
        let agency = pick(|f| f.agency, "agency workers").or_else(|| {
            let inpost = pick(|f| f.inpost, "in post")?;
            let (_, f) = a
                .years
                .range(..=origin)
                .rev()
                .find(|(_, f)| f.agency.is_some() && f.inpost.is_some_and(|p| p > 0.0))?;
            agency_estimated.push((a.code.clone(), a.name.clone()));
            Some(inpost * f.agency? / f.inpost?)
        });
        let stocks = (
            pick(|f| f.inpost, "in post"),
            agency,
            pick(|f| f.vacancies, "vacancies"),
            pick(|f| f.cases, "cases"),
        );
        earlier.dedup();
        match stocks {
            (Some(inpost), Some(agency), Some(vacancies), Some(cases)) if inpost + agency > 0.0 => {
                kept.push((a, Stocks { inpost, agency, vacancies, cases }));
                if !earlier.is_empty() {
                    from_year_before.push((a.code.clone(), format!("{} ({})", a.name, earlier.join(", "))));
                }
            }
            _ => excluded.push((
                a.code.clone(),
                format!("{} has no in-post, agency, vacancy and case figures for {origin} (its workforce is reported with another authority's, or withheld)", a.name),
            )),
        }
    }
    let regions: Vec<&str> = kept.iter().map(|(a, _)| a.region_code.as_str()).collect();
    let years_up_to = |a: &AuthorityHistory| {
        a.years
            .range(..=origin)
            .map(|(y, f)| (*y, *f))
            .collect::<Vec<_>>()
    };

    let mut any_derived = false;
    let mut turnover_own = Vec::new();
    let mut fill_own = Vec::new();
    let mut cover_own = Vec::new();
    let mut other_own = Vec::new();
    let mut share_own = Vec::new();
    let mut growth_own = Vec::new();
    let mut posts_own = Vec::new();
    let mut posts_resid = Vec::new();
    let mut derived_flags = Vec::new();
    let mut excess_turnover = Vec::new();
    let mut growth_resid = Vec::new();
    for (a, _) in &kept {
        let ys = years_up_to(a);
        let mut rates = Vec::new();
        let mut fills = Vec::new();
        let mut covers = Vec::new();
        let mut others = Vec::new();
        let mut shares = Vec::new();
        let mut derived = false;
        for (k, (y, f)) in ys.iter().enumerate() {
            if let (Some(p), Some(l)) = (f.inpost, f.leavers) {
                if p > 0.0 {
                    rates.push(l / p);
                }
            }
            let starters = f.starters.or_else(|| {
                let prev = ys
                    .get(k.wrapping_sub(1))
                    .filter(|(py, _)| py.next() == Some(*y))?
                    .1;
                let s = f.inpost? - prev.inpost? + f.leavers?;
                derived = true;
                Some(s.max(0.0))
            });
            if let (Some(s), Some(v)) = (starters, f.vacancies) {
                if s + v > 0.0 {
                    fills.push(s / (s + v));
                }
            }
            if let (Some(c), Some(v)) = (f.agency_cover, f.vacancies) {
                if v > 0.0 {
                    covers.push((c / v).min(3.0));
                }
            }
            if let (Some(ag), Some(c), Some(p)) = (f.agency, f.agency_cover, f.inpost) {
                if p > 0.0 {
                    others.push((ag - c).max(0.0) / p);
                }
            } else if let (Some(ag), Some(p)) = (f.agency, f.inpost) {
                if p > 0.0 && f.agency_cover.is_none() {
                    // Without a cover figure, count half the agency workers as covering.
                    others.push(0.5 * ag / p);
                }
            }
            if let (Some(ch), Some(p), Some(ag)) = (f.case_holders, f.inpost, f.agency) {
                if p + ag > 0.0 {
                    shares.push(ch / (p + ag));
                }
            }
        }
        any_derived |= derived;
        derived_flags.push(derived);
        let size = ys
            .last()
            .and_then(|(_, f)| f.inpost)
            .unwrap_or(1.0)
            .max(1.0);
        let t_mean = mean_var(&rates).map_or(0.15, |m| m.0);
        // A one-year estimate is as uncertain as drawing that many leavers from that many staff.
        turnover_own.push(own_from(&rates, t_mean * (1.0 - t_mean) / size));
        if let Some((_, var)) = mean_var(&rates) {
            if !var.is_nan() {
                excess_turnover.push(var - t_mean * (1.0 - t_mean) / size);
            }
        }
        fill_own.push(own_latest(&fills, 0.02));
        cover_own.push(own_latest(&covers, 0.05));
        other_own.push(own_latest(&others, 0.01));
        share_own.push(own_latest(&shares, 0.005));
        let posts: Vec<(f64, f64)> = ys
            .iter()
            .filter_map(|(y, f)| Some((f64::from(y.get()), f.inpost? + f.vacancies?)))
            .collect();
        posts_own.push(log_trend(&posts).map(|(slope, var, resid)| {
            posts_resid.push(resid);
            Own { est: slope, var }
        }));
        let cin: Vec<(f64, f64)> = a
            .children_in_need
            .range(..=origin)
            .map(|(y, v)| (f64::from(y.get()), *v))
            .collect();
        growth_own.push(log_trend(&cin).map(|(slope, var, resid)| {
            growth_resid.push(resid);
            Own { est: slope, var }
        }));
    }
    let turnover = pool(&turnover_own, &regions, 1e-5, 0.0, 0.9);
    let fill_pooled = pool(&fill_own, &regions, 1e-4, 0.05, 1.0);
    // Levels observed at the origin are taken as observed, drifting by their typical yearly
    // change; the region's figure stands in only where an authority's is withheld.
    let observed = |own: &[Option<Own>], pooled: Vec<Param>, lo: f64, hi: f64| -> Vec<Param> {
        own.iter()
            .zip(pooled)
            .map(|(o, p)| {
                o.map_or(p, |o| Param {
                    mean: o.est.clamp(lo, hi),
                    sd: o.var.sqrt(),
                })
            })
            .collect()
    };
    let fill = observed(&fill_own, fill_pooled, 0.05, 1.0);
    let cover = observed(
        &cover_own,
        pool(&cover_own, &regions, 1e-3, 0.0, 3.0),
        0.0,
        3.0,
    );
    let share = observed(
        &share_own,
        pool(&share_own, &regions, 1e-4, 0.2, 1.5),
        0.2,
        1.5,
    );
    // Agency not covering a vacancy is whatever the origin's agency figure leaves once cover is
    // counted, so the projection starts from the published agency figure.
    let other: Vec<Param> = pool(&other_own, &regions, 1e-4, 0.0, 1.0)
        .into_iter()
        .zip(&kept)
        .zip(&cover)
        .map(|((p, (_, start)), c)| {
            let implied = if start.inpost > 0.0 {
                ((start.agency - c.mean * start.vacancies.max(0.0)) / start.inpost).max(0.0)
            } else {
                p.mean
            };
            Param {
                mean: implied.min(1.0),
                sd: p.sd,
            }
        })
        .collect();
    let growth = pool(&growth_own, &regions, 1e-5, -0.3, 0.3);
    let posts_growth = pool(&posts_own, &regions, 1e-5, -0.3, 0.3);
    // Extra-binomial year-to-year variation of turnover, common to authorities of every size.
    let excess =
        (excess_turnover.iter().sum::<f64>() / excess_turnover.len().max(1) as f64).max(0.0);
    let growth_noise = median(&mut growth_resid).max(0.0);
    let posts_noise = median(&mut posts_resid).max(0.0);

    let england: Vec<(Year, f64)> = history
        .authorities
        .iter()
        .fold(BTreeMap::new(), |mut acc: BTreeMap<Year, (f64, f64)>, a| {
            for (y, f) in a.years.range(..=origin) {
                if let (Some(p), Some(l)) = (f.inpost, f.leavers) {
                    let e = acc.entry(*y).or_default();
                    e.0 += l;
                    e.1 += p;
                }
            }
            acc
        })
        .into_iter()
        .filter(|(_, (_, p))| *p > 0.0)
        .map(|(y, (l, p))| (y, l / p))
        .collect();
    let national_turnover_noise = mean_var(&england.iter().map(|e| e.1).collect::<Vec<_>>())
        .map_or(0.0, |(_, v)| if v.is_nan() { 0.0 } else { v.sqrt() });

    // Each authority's caseload at the origin: as published, or (where its case holders are
    // withheld) as the stock-flow model starts from it.
    let with_caseload: Vec<(&AuthorityHistory, Stocks, f64)> = kept
        .iter()
        .zip(&share)
        .map(|((a, start), sh)| {
            let published = a
                .years
                .get(&origin)
                .and_then(|f| Some((f.cases?, f.case_holders?)))
                .filter(|(_, h)| *h > 0.0)
                .map(|(c, h)| c / h);
            let holders = sh.mean * (start.inpost + start.agency);
            let derived = if holders > 0.0 {
                start.cases / holders
            } else {
                0.0
            };
            (*a, *start, published.unwrap_or(derived))
        })
        .collect();
    let fitted = crate::statistical::fit(&with_caseload, origin);
    let authorities = kept
        .iter()
        .zip(fitted.paths)
        .enumerate()
        .map(|(i, ((a, start), paths))| {
            let t = turnover[i].mean;
            Authority {
                code: a.code.clone(),
                name: a.name.clone(),
                region_code: a.region_code.clone(),
                start: *start,
                turnover: turnover[i],
                turnover_noise: (t * (1.0 - t) / start.inpost.max(1.0) + excess).sqrt(),
                fill: fill[i],
                cover: cover[i],
                other_agency: other[i],
                case_holder_share: share[i],
                growth: growth[i],
                posts_growth: posts_growth[i],
                growth_noise,
                posts_noise,
                starters_derived: derived_flags[i],
                paths,
            }
        })
        .collect();
    let mut notes = vec![format!(
        "Parameters are estimated from published figures up to {origin}, each authority's pooled toward its region's."
    )];
    if any_derived {
        notes.push("Where a release has no starters (older releases do not publish them), they are derived from the stock identity: starters = in post this year − in post last year + leavers.".into());
    }
    Baseline {
        origin,
        agency_estimated,
        from_year_before,
        authorities,
        national_turnover_noise,
        national_growth_noise: growth_noise / 2.0,
        national_stock_noise: fitted.national_sd,
        regional_stock_noise: fitted.regional_sd,
        england_caseload: history
            .england_caseload
            .range(..=origin)
            .next_back()
            .map_or(16.0, |(_, c)| *c),
        excluded,
        notes,
    }
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(n: u16) -> Year {
        Year::try_from(n).unwrap()
    }

    fn authority(code: &str, region: &str, inpost: f64, leavers: f64) -> AuthorityHistory {
        let mut a = AuthorityHistory {
            code: code.into(),
            name: code.into(),
            region_code: region.into(),
            ..Default::default()
        };
        for (k, year) in (2017..=2022).enumerate() {
            a.years.insert(
                y(year),
                YearFigures {
                    inpost: Some(inpost + k as f64),
                    leavers: Some(leavers),
                    starters: None,
                    agency: Some(10.0),
                    agency_cover: Some(5.0),
                    vacancies: Some(12.0),
                    case_holders: Some(0.6 * (inpost + 10.0)),
                    cases: Some(15.0 * 0.6 * (inpost + 10.0)),
                },
            );
            a.children_in_need
                .insert(y(year), 1000.0 * 1.02f64.powi(k as i32));
        }
        a
    }

    #[test]
    fn a_small_authority_is_pulled_toward_its_region_more_than_a_large_one() {
        let mut h = History::default();
        for i in 0..6 {
            h.authorities
                .push(authority(&format!("L{i}"), "R", 200.0, 30.0));
        }
        h.authorities.push(authority("small", "R", 10.0, 5.0));
        h.authorities.push(authority("big", "R", 900.0, 300.0));
        let b = estimate(&h, y(2022));
        let get = |c: &str| b.authorities.iter().find(|a| a.code == c).unwrap();
        let region_like = get("L0").turnover.mean;
        let small = get("small");
        let big = get("big");
        let small_raw = 5.0 / 12.5;
        let big_raw = 300.0 / 902.5;
        assert!(
            (small.turnover.mean - region_like).abs() < (small_raw - region_like).abs(),
            "shrunk toward the region"
        );
        assert!(
            (big.turnover.mean - big_raw).abs() / big_raw
                < (small.turnover.mean - small_raw).abs() / small_raw
        );
        assert!(small.turnover.sd > 0.0);
        assert!(
            (get("L0").growth.mean - 1.02f64.ln()).abs() < 1e-6,
            "demand follows the children in need trend"
        );
        assert!(
            b.notes
                .iter()
                .any(|n| n.contains("derived from the stock identity"))
        );
        assert!(small.starters_derived);
    }

    #[test]
    fn an_authority_without_origin_figures_is_left_out_with_a_reason() {
        let mut h = History::default();
        h.authorities.push(authority("L0", "R", 200.0, 30.0));
        let mut z = authority("west", "R", 0.0, 0.0);
        for f in z.years.values_mut() {
            *f = YearFigures::default();
        }
        h.authorities.push(z);
        let b = estimate(&h, y(2022));
        assert_eq!(b.authorities.len(), 1);
        assert_eq!(b.excluded[0].0, "west");
    }
}
