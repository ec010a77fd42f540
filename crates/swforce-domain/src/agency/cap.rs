//! The regional price cap: what it is compared with (pay and on-costs, by how the worker is
//! paid; never the agency's margin), and the sign-offs that allow a charge above it.

use super::{Context, Engagement, JobType, Outcome, PayBasis, Pence, PriceCap, missing};
use crate::Date;

/// The cap in force for a region and job type on a day.
pub fn cap_on<'a>(
    caps: &'a [PriceCap],
    region: &str,
    job: JobType,
    day: Date,
) -> Option<&'a PriceCap> {
    caps.iter()
        .filter(|c| c.region == region && c.job_type == job && c.from <= day)
        .max_by_key(|c| c.from)
}

/// The hourly amount the price cap is compared with, and how it was made up; or what is
/// missing to know it.
fn capped_amount(e: &Engagement, cap: Pence) -> Result<(Pence, String), Outcome> {
    let c = &e.charge;
    match (e.pay_basis, c.pay) {
        (_, None) => Err(missing(
            &["pay_rate"],
            "the worker's hourly pay rate is needed",
        )),
        (Some(basis), Some(pay)) if basis.pay_includes_on_costs() => Ok((
            pay,
            format!(
                "pay rate of a worker paid through {}, which includes employer National Insurance, the levy and holiday pay",
                match basis {
                    PayBasis::Umbrella => "an umbrella company",
                    _ => "their own limited company",
                }
            ),
        )),
        (Some(_), Some(pay)) => {
            let gaps = c.missing(Some(PayBasis::Paye));
            let gaps: Vec<&str> = gaps.into_iter().filter(|g| *g != "agency_margin").collect();
            match (c.employer_ni, c.apprenticeship_levy, c.holiday_pay) {
                (Some(ni), Some(levy), Some(holiday)) => Ok((
                    Pence(pay.0 + ni.0 + levy.0 + holiday.0),
                    format!(
                        "PAYE: pay {pay}, employer National Insurance {ni}, levy {levy} and holiday pay {holiday}"
                    ),
                )),
                (ni, levy, holiday) => {
                    // What is given is above the cap already: what is not can only add to it.
                    let known = Pence(
                        pay.0
                            + [ni, levy, holiday]
                                .iter()
                                .flatten()
                                .map(|p| p.0)
                                .sum::<i64>(),
                    );
                    if known > cap {
                        return Ok((
                            known,
                            format!(
                                "PAYE: pay {pay} with the on-costs given, before {} that would only add to it",
                                gaps.join(", ")
                            ),
                        ));
                    }
                    Err(missing(
                        &gaps,
                        "for a PAYE worker the employer National Insurance, apprenticeship levy and holiday pay (0 where they do not apply) are added to the pay before comparing with the cap",
                    ))
                }
            }
        }
        // Without the basis the pay alone can already be above the cap; and a PAYE total
        // within it is within it on any basis. Only in between does the basis decide.
        (None, Some(pay)) if pay > cap => Ok((pay, "the pay rate alone".to_string())),
        (None, Some(pay)) => match (c.employer_ni, c.apprenticeship_levy, c.holiday_pay) {
            (Some(ni), Some(levy), Some(holiday))
                if Pence(pay.0 + ni.0 + levy.0 + holiday.0) <= cap =>
            {
                Ok((
                    Pence(pay.0 + ni.0 + levy.0 + holiday.0),
                    format!(
                        "pay {pay}, employer National Insurance {ni}, levy {levy} and holiday pay {holiday}"
                    ),
                ))
            }
            _ => Err(missing(
                &["pay_basis"],
                format!(
                    "the pay rate of {pay} is within the cap of {cap}, but whether employer National Insurance, the levy and holiday pay come on top depends on how the worker is paid (paye, umbrella or limited_company)"
                ),
            )),
        },
    }
}

pub(super) fn price_cap(e: &Engagement, at: Date, ctx: &Context) -> Outcome {
    // The cap is on what the council pays for the worker's hours: pay with employer National
    // Insurance, the apprenticeship levy and holiday pay (inside the pay rate of an umbrella or
    // limited-company worker, on top of a PAYE worker's). The agency's margin is reported,
    // not capped.
    let Some(region) = ctx.council_region else {
        return missing(&["la_code"], "the council's region is not known");
    };
    let Some(cap) = cap_on(ctx.caps, region, e.job_type, at) else {
        return Outcome::NotApplicable {
            evidence: format!(
                "no price cap in force for {} in the council's region on {at}",
                e.job_type.label().to_lowercase()
            ),
        };
    };
    let (total, made_of) = match capped_amount(e, cap.hourly) {
        Ok(t) => t,
        Err(missing) => return missing,
    };
    if total <= cap.hourly {
        return Outcome::Compliant {
            evidence: format!(
                "{total} an hour ({made_of}), within the cap of {} (from {})",
                cap.hourly, cap.from
            ),
        };
    }
    let over = Pence(total.0 - cap.hourly.0);
    // Above the cap needs both sign-offs before the engagement starts (or, for one that began
    // before the rules, by the date it had to comply).
    let late = |d: Option<Date>| d.filter(|d| *d > at);
    let deadline = if e.legacy() {
        format!("{at}, the date engagements begun before the rules had to comply")
    } else {
        format!("the start ({at})")
    };
    match (e.dcs_signoff, e.ceo_signoff) {
        (Some(d), Some(ceo)) if late(Some(d)).is_none() && late(Some(ceo)).is_none() => {
            Outcome::Compliant {
                evidence: format!(
                    "{total} an hour ({made_of}), {over} above the cap of {}, signed off by the director of children's services on {d} and the chief executive on {ceo}, by {deadline}",
                    cap.hourly
                ),
            }
        }
        (d, ceo) => {
            let mut lacking: Vec<String> = Vec::new();
            for (date, who) in [
                (d, "the director of children's services"),
                (ceo, "the chief executive"),
            ] {
                match date {
                    None => lacking.push(format!("no sign-off by {who}")),
                    Some(day) if day > at => {
                        lacking.push(format!("{who} signed off on {day}, after {deadline}"))
                    }
                    Some(_) => {}
                }
            }
            Outcome::Breach {
                evidence: format!(
                    "{total} an hour ({made_of}), {over} above the cap of {} (from {}): {}",
                    cap.hourly,
                    cap.from,
                    lacking.join("; ")
                ),
            }
        }
    }
}

/// An engagement charged above its region's cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AboveCap {
    /// What was compared with the cap (pay and on-costs, not the margin).
    pub amount: Pence,
    pub cap: Pence,
    /// Whether both the director of children's services and the chief executive signed it
    /// off before the engagement started (or the transition date, for one that began before
    /// the rules).
    pub signed_off_in_time: bool,
}

/// Whether, and by how much, an engagement is charged above the cap in force for it; `None`
/// when it is not, or when that cannot be known.
pub fn above_cap(e: &Engagement, ctx: &Context) -> Option<AboveCap> {
    let at = e.judged_at();
    let cap = cap_on(ctx.caps, ctx.council_region?, e.job_type, at)?;
    let (amount, _) = capped_amount(e, cap.hourly).ok()?;
    (amount > cap.hourly).then(|| AboveCap {
        amount,
        cap: cap.hourly,
        signed_off_in_time: e.dcs_signoff.is_some_and(|d| d <= at)
            && e.ceo_signoff.is_some_and(|d| d <= at),
    })
}
