//! Prices: a regional alliance's caps on what a council pays an hour, and a council's own
//! permanent hourly costs (what the premium on agency workers is measured against).

use super::{OPERATOR, invalid};
use crate::access::{Access, Origin, Principal, now_stamp};
use crate::{App, AppError};
use swforce_domain::Date;
use swforce_domain::agency::{JobType, Pence, PriceCap};
use swforce_store::{StoredCap, UpsertOutcome};

/// Reads a file of price caps (region, job type, hourly cap, in force from), all or nothing.
pub fn read_caps_file(file: &str, reader: impl std::io::Read) -> Result<Vec<PriceCap>, AppError> {
    let read = swforce_import::agency::read_caps_csv(file, reader)?;
    Ok(read.caps.into_iter().map(|(_, c)| c).collect())
}

impl App {
    /// Keeps a file of price caps from the command line, all or nothing: each cap replaces one
    /// of the same region, job type and date, so importing the same file again changes nothing.
    pub fn import_price_caps_file(
        &self,
        file: &str,
        reader: impl std::io::Read,
    ) -> Result<(UpsertOutcome, Vec<PriceCap>), AppError> {
        let caps = read_caps_file(file, reader)?;
        let at = now_stamp();
        let outcome = self.store().set_price_caps(&caps, OPERATOR, &at)?;
        let mut regions: Vec<&str> = caps.iter().map(|c| c.region.as_str()).collect();
        regions.sort_unstable();
        regions.dedup();
        self.store().append_audit(&swforce_store::AuditEvent {
            id: 0,
            at,
            org_id: None,
            user_id: None,
            actor: OPERATOR.into(),
            action: "admin".into(),
            target: format!("price caps {}", regions.join(" ")),
            detail: format!(
                "{file}: {} added, {} updated, {} unchanged",
                outcome.added, outcome.updated, outcome.unchanged
            ),
            ip: String::new(),
        })?;
        Ok((outcome, caps))
    }

    /// The price caps on record as a CSV file (of one region, or all), in the shape
    /// [`read_caps_file`] reads.
    pub fn price_caps_csv(&self, region: Option<&str>) -> Result<String, AppError> {
        let caps: Vec<PriceCap> = self
            .store()
            .price_caps()?
            .into_iter()
            .map(|c| c.cap)
            .filter(|c| region.is_none_or(|r| c.region == r))
            .collect();
        Ok(swforce_import::agency::write_caps_csv(&caps))
    }

    /// Price caps on record for a region (anyone may read them: they are public prices).
    pub fn price_caps_of(&self, region: &str) -> Result<Vec<StoredCap>, AppError> {
        Ok(self
            .store()
            .price_caps()?
            .into_iter()
            .filter(|c| c.cap.region == region)
            .collect())
    }

    /// Sets a cap for the alliance's own region.
    pub fn set_price_cap(
        &self,
        who: &Principal,
        job: &str,
        from: &str,
        hourly: &str,
        origin: &Origin,
    ) -> Result<PriceCap, AppError> {
        let region = self.own_region(who, Access::Write)?;
        let job = JobType::from_id(job)
            .ok_or_else(|| invalid("Select the job type", "Each cap is for one job type"))?;
        let from = swforce_import::agency::read_date(from).ok_or_else(|| {
            invalid(
                "Enter the date the cap applies from, like 2025-04-01 or 01/04/2025",
                "Write the date as YYYY-MM-DD or DD/MM/YYYY",
            )
        })?;
        let hourly = Pence::parse(hourly)
            .filter(|p| p.0 > 0 && p.0 <= 100_000)
            .ok_or_else(|| {
                invalid(
                    "Enter the cap in pounds an hour, like 58.50",
                    "Use a number of pounds and pence between 0.01 and 1000",
                )
            })?;
        let cap = PriceCap {
            region: region.clone(),
            job_type: job,
            from,
            hourly,
        };
        self.store()
            .set_price_caps(std::slice::from_ref(&cap), &who.user.email, &now_stamp())?;
        self.audit_event(
            Some(who),
            "admin",
            &format!("price cap {region} {}", job.id()),
            &format!("{hourly} an hour from {from}"),
            origin,
        )?;
        Ok(cap)
    }

    pub fn delete_price_cap(
        &self,
        who: &Principal,
        job: &str,
        from: &str,
        origin: &Origin,
    ) -> Result<(), AppError> {
        let region = self.own_region(who, Access::Write)?;
        let (Some(job), Ok(from)) = (JobType::from_id(job), Date::parse(from)) else {
            return Err(invalid("No such cap", "Choose a cap from the list"));
        };
        if !self.store().delete_price_cap(&region, job, from)? {
            return Err(invalid("No such cap", "Choose a cap from the list"));
        }
        self.audit_event(
            Some(who),
            "admin",
            &format!("price cap {region} {}", job.id()),
            &format!("cap from {from} removed"),
            origin,
        )
    }

    /// The council's permanent hourly costs, by job type.
    pub fn permanent_costs(&self, who: &Principal) -> Result<Vec<(JobType, Pence)>, AppError> {
        self.own_council(who, Access::Read)?;
        Ok(self.store().permanent_costs(who.org.id)?)
    }

    /// Sets what a permanent worker of a job type costs the council an hour (empty clears it).
    pub fn set_permanent_cost(
        &self,
        who: &Principal,
        job: &str,
        hourly: &str,
        origin: &Origin,
    ) -> Result<(), AppError> {
        self.own_council(who, Access::Write)?;
        let job = JobType::from_id(job)
            .ok_or_else(|| invalid("Select the job type", "Each cost is for one job type"))?;
        let hourly = if hourly.trim().is_empty() {
            None
        } else {
            Some(
                Pence::parse(hourly)
                    .filter(|p| p.0 > 0 && p.0 <= 100_000)
                    .ok_or_else(|| {
                        invalid(
                            "Enter the hourly cost in pounds, like 38.50",
                            "Include salary, employer National Insurance and pension, divided by hours worked",
                        )
                    })?,
            )
        };
        self.store().set_permanent_cost(who.org.id, job, hourly)?;
        self.audit_event(
            Some(who),
            "admin",
            &format!("permanent cost {}", job.id()),
            &hourly.map_or("cleared".to_string(), |h| format!("{h} an hour")),
            origin,
        )
    }
}
