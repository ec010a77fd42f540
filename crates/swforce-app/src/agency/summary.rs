//! A council's agency picture for a quarter (compliance, breaches, FTE, spend and the premium
//! over permanent staff), and a regional alliance's view of its councils.

use super::{AgencySummary, Checked, CouncilLine, JobLine, RegionalSummary, today};
use crate::access::{Access, Principal};
use crate::{App, AppError};
use std::collections::BTreeMap;
use swforce_domain::agency::{
    Assessment, Engagement, FULL_TIME_HOURS, JobType, Outcome, Pence, PriceCap, Quarter, Rule,
    Status, cap_on, days_within,
};
use swforce_domain::{Date, GeographyCode};

/// Hours a week, with a full-time week where none is given.
fn hours(e: &Engagement) -> f64 {
    e.hours_per_week.unwrap_or(FULL_TIME_HOURS)
}

/// What an engagement costs over `days` days at `hourly`, in pence (a sum is rounded once, at
/// the end, not engagement by engagement).
pub(super) fn cost(hourly: Pence, e: &Engagement, days: i64) -> f64 {
    hourly.0 as f64 * hours(e) * days as f64 / 7.0
}

/// Sums a list of engagements and their results for a quarter.
pub fn summarise(
    quarter: Quarter,
    today: Date,
    rows: &[(&Engagement, &Assessment)],
    caps: &[PriceCap],
    region: Option<&str>,
    permanent: &[(JobType, Pence)],
) -> AgencySummary {
    let (from, to) = (quarter.first_day(), quarter.last_day());
    let census_day = to.min(today).max(from);
    // Spend is what has been paid: for a quarter not over, up to today.
    let paid_to = to.min(today);
    let running: Vec<&(&Engagement, &Assessment)> = rows
        .iter()
        .filter(|(e, _)| e.active_between(from, to))
        .collect();
    let mut by_status: BTreeMap<Status, usize> = BTreeMap::new();
    let mut by_rule: BTreeMap<Rule, usize> = BTreeMap::new();
    let mut by_field: BTreeMap<String, usize> = BTreeMap::new();
    for (_, a) in &running {
        *by_status.entry(a.status).or_default() += 1;
        for f in &a.findings {
            match &f.outcome {
                Outcome::Breach { .. } => *by_rule.entry(f.rule).or_default() += 1,
                Outcome::Missing { fields, .. } => {
                    for field in fields {
                        *by_field.entry(field.clone()).or_default() += 1;
                    }
                }
                _ => {}
            }
        }
    }
    let judged = running.len() - by_status.get(&Status::NotInScope).copied().unwrap_or(0);
    let compliant = by_status.get(&Status::Compliant).copied().unwrap_or(0);
    let mut by_job = Vec::new();
    let (mut spend, mut premium, mut premium_missing, mut fte) = (0.0, 0.0, Vec::new(), 0.0);
    let mut spend_left_out = 0;
    for job in JobType::ALL {
        let of_job: Vec<&Engagement> = running
            .iter()
            .map(|(e, _)| *e)
            .filter(|e| e.job_type == job)
            .collect();
        if of_job.is_empty() {
            continue;
        }
        let perm = permanent.iter().find(|(j, _)| *j == job).map(|(_, p)| *p);
        let (mut job_spend, mut job_fte, mut charges) = (0.0, 0.0, Vec::new());
        for e in &of_job {
            if e.active_on(census_day) {
                job_fte += hours(e) / FULL_TIME_HOURS;
            }
            if let Some(total) = e.charge.total(e.pay_basis) {
                let days = if paid_to < from {
                    0
                } else {
                    days_within(e, from, paid_to)
                };
                job_spend += cost(total, e, days);
                charges.push(total.0);
                if let Some(p) = perm {
                    premium += cost(Pence(total.0 - p.0), e, days);
                }
            } else {
                spend_left_out += 1;
            }
        }
        if perm.is_none() {
            premium_missing.push(job);
        }
        spend += job_spend;
        fte += job_fte;
        by_job.push(JobLine {
            job,
            active: of_job.len(),
            fte: job_fte,
            spend: Pence(job_spend.round() as i64),
            mean_charge: (!charges.is_empty()).then(|| {
                let n = charges.len() as i64;
                // Rounded to the nearest penny, not cut down.
                Pence((charges.iter().sum::<i64>() + n / 2) / n)
            }),
            cap: region.and_then(|r| cap_on(caps, r, job, census_day).map(|c| c.hourly)),
            permanent: perm,
        });
    }
    AgencySummary {
        quarter,
        engagements: running.len(),
        by_status: by_status.into_iter().collect(),
        compliance_rate: (judged > 0).then(|| compliant as f64 / judged as f64),
        breaches_by_rule: by_rule.into_iter().collect(),
        missing_by_field: by_field.into_iter().collect(),
        fte,
        spend: Pence(spend.round() as i64),
        paid_to,
        spend_left_out,
        premium: (premium_missing.len() < by_job.len()).then_some(Pence(premium.round() as i64)),
        premium_missing,
        by_job,
    }
}

impl App {
    /// The council's summary for a quarter (no individual is named).
    pub fn agency_summary(
        &self,
        who: &Principal,
        quarter: Quarter,
    ) -> Result<AgencySummary, AppError> {
        let la = self.own_council(who, Access::Read)?;
        self.council_summary(who.org.id, &la, quarter)
    }

    fn council_summary(
        &self,
        org_id: i64,
        la: &str,
        quarter: Quarter,
    ) -> Result<AgencySummary, AppError> {
        let stored = self.store().engagements(org_id)?;
        let checked = self.with_results_for(stored, quarter)?;
        let caps = self.caps()?;
        let region = self.region_of_council(la);
        let permanent = self.store().permanent_costs(org_id)?;
        let rows: Vec<(&Engagement, &Assessment)> = checked
            .iter()
            .map(|c| (&c.engagement, &c.assessment))
            .collect();
        Ok(summarise(
            quarter,
            today(),
            &rows,
            &caps,
            region.as_deref(),
            &permanent,
        ))
    }

    /// A regional alliance's view: each council of its region on swforce, and the total.
    pub fn regional_agency(
        &self,
        who: &Principal,
        quarter: Quarter,
    ) -> Result<RegionalSummary, AppError> {
        let region = self.own_region(who, Access::Read)?;
        let snap = self.snapshot()?;
        let region_name = GeographyCode::parse(&region)
            .ok()
            .and_then(|c| snap.geography(&c).map(|g| g.name.clone()))
            .unwrap_or_else(|| region.clone());
        let caps = self.caps()?;
        let mut councils = Vec::new();
        let mut all: Vec<Checked> = Vec::new();
        let mut orgs = self.store().organisations()?;
        orgs.sort_by(|a, b| a.name.cmp(&b.name));
        for org in orgs {
            let Some(la) = org.la_code.clone().filter(|_| org.kind.holds_census()) else {
                continue;
            };
            if self.region_of_council(&la).as_deref() != Some(region.as_str()) {
                continue;
            }
            let stored = self.store().engagements(org.id)?;
            // Councils that keep no register in swforce are not listed.
            if stored.is_empty() {
                continue;
            }
            let checked = self.with_results_for(stored, quarter)?;
            let permanent = self.store().permanent_costs(org.id)?;
            let rows: Vec<(&Engagement, &Assessment)> = checked
                .iter()
                .map(|c| (&c.engagement, &c.assessment))
                .collect();
            let summary = summarise(quarter, today(), &rows, &caps, Some(&region), &permanent);
            all.extend(checked);
            councils.push(CouncilLine { org, summary });
        }
        let rows: Vec<(&Engagement, &Assessment)> =
            all.iter().map(|c| (&c.engagement, &c.assessment)).collect();
        let mut total = summarise(quarter, today(), &rows, &caps, Some(&region), &[]);
        // The region's premium is its councils': each against its own permanent costs.
        let premiums: Vec<Pence> = councils.iter().filter_map(|c| c.summary.premium).collect();
        total.premium = (!premiums.is_empty()).then(|| Pence(premiums.iter().map(|p| p.0).sum()));
        total.premium_missing.clear();
        Ok(RegionalSummary {
            region,
            region_name,
            councils,
            total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use swforce_domain::agency::{Charge, Context, PayBasis, assess};

    fn engagement(reference: &str, pay: i64, margin: Option<i64>) -> Engagement {
        Engagement {
            reference: reference.into(),
            swe: "SW1".into(),
            agency: "Oakfield Locums".into(),
            la_code: "E10000016".into(),
            job_type: JobType::SocialWorker,
            start: Date::parse("2025-01-06").unwrap(),
            end: None,
            hours_per_week: Some(37.0),
            pay_basis: Some(PayBasis::Umbrella),
            charge: Charge {
                pay: Some(Pence(pay)),
                agency_margin: margin.map(Pence),
                ..Charge::default()
            },
            qualified: None,
            pqe_years: Some(5.0),
            previous_employer: Some("none".into()),
            previous_la_code: None,
            previous_region: None,
            left_on: None,
            leaving: None,
            practice_reference: Some(true),
            notice_weeks: Some(4.0),
            council_notice_weeks: None,
            project_team: None,
            packaged_model: None,
            dcs_signoff: None,
            ceo_signoff: None,
        }
    }

    #[test]
    fn the_mean_charge_is_rounded_and_engagements_without_a_cost_are_counted() {
        // £56.88, £54.74 and £58.41 average £56.6767: £56.68, not £56.67.
        let es = [
            engagement("A", 5688, Some(0)),
            engagement("B", 5474, Some(0)),
            engagement("C", 5841, Some(0)),
            engagement("D", 5000, None),
        ];
        let results: Vec<Assessment> = es.iter().map(|e| assess(e, &Context::default())).collect();
        let rows: Vec<(&Engagement, &Assessment)> = es.iter().zip(&results).collect();
        let q = Quarter::parse("2025Q1").unwrap();
        let s = summarise(q, Date::parse("2025-06-01").unwrap(), &rows, &[], None, &[]);
        assert_eq!(s.by_job[0].mean_charge, Some(Pence(5668)));
        assert_eq!(
            s.spend_left_out, 1,
            "D's margin is blank: its cost is not known"
        );
        // 2025Q1 seen on 15 January: spend is what has been paid, to that day (10 days from
        // 6 January); later days are not counted.
        let mid = summarise(q, Date::parse("2025-01-15").unwrap(), &rows, &[], None, &[]);
        assert_eq!(mid.paid_to, Date::parse("2025-01-15").unwrap());
        let want: f64 = [5688.0, 5474.0, 5841.0]
            .iter()
            .map(|p| p * 37.0 * 10.0 / 7.0)
            .sum();
        assert_eq!(mid.spend, Pence(want.round() as i64));
        let before = summarise(q, Date::parse("2024-12-31").unwrap(), &rows, &[], None, &[]);
        assert_eq!(
            before.spend,
            Pence(0),
            "a quarter not begun has paid nothing"
        );
    }
}
