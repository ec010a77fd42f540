//! A council's register of engagements: a file checked without keeping anything, a file
//! imported (by a person for their own council, or from the command line), one engagement
//! saved, read or deleted.

use super::{AgencyCheck, Checked, invalid};
use crate::access::{Access, Origin, Principal, now_stamp};
use crate::{App, AppError};
use std::io::Read;
use swforce_domain::agency::Engagement;
use swforce_import::agency::{EngagementsRead, read_engagements_csv};
use swforce_import::{Diagnostic, Refused};
use swforce_store::{Organisation, StoredEngagement, UpsertOutcome};

impl App {
    /// Checks a CSV file of engagements against the rules without keeping anything, with the
    /// caps on record.
    pub fn check_agency_file(
        &self,
        file: &str,
        reader: impl Read,
    ) -> Result<AgencyCheck, AppError> {
        let read = read_engagements_csv(file, reader)?;
        self.checked(file, read, None)
    }

    /// Checks a CSV file of engagements against the rules with the given caps instead of
    /// those on record, without keeping anything.
    pub fn check_agency_file_with_caps(
        &self,
        file: &str,
        reader: impl Read,
        caps: &[swforce_domain::agency::PriceCap],
    ) -> Result<AgencyCheck, AppError> {
        let read = read_engagements_csv(file, reader)?;
        self.checked(file, read, Some(caps))
    }

    /// Stores a file of engagements for the person's own council: all or nothing, each matched
    /// by its reference, so importing the same file again changes nothing.
    pub fn import_agency_for(
        &self,
        who: &Principal,
        file: &str,
        reader: impl Read,
        origin: &Origin,
    ) -> Result<(UpsertOutcome, AgencyCheck), AppError> {
        let la = self.own_council(who, Access::Write)?;
        let own = Council::Own {
            la: &la,
            org: &who.org,
        };
        let (_, outcome, read) = self.import_engagements(file, reader, own, who, origin)?;
        Ok((outcome, self.checked(file, read, None)?))
    }

    /// Stores a file of engagements from the command line, for the council its rows name
    /// (every row must name the same council, which must be on record as an organisation).
    pub fn import_agency_file(
        &self,
        file: &str,
        reader: impl Read,
    ) -> Result<(Organisation, UpsertOutcome, AgencyCheck), AppError> {
        let operator = self.operator();
        let (org, outcome, read) =
            self.import_engagements(file, reader, Council::Named, &operator, &Origin::default())?;
        let check = self.checked(file, read, None)?;
        Ok((org, outcome, check))
    }

    /// Reads a file of engagements and stores it in one council's register, all or nothing:
    /// refused whole if a row names another council.
    fn import_engagements(
        &self,
        file: &str,
        reader: impl Read,
        council: Council<'_>,
        who: &Principal,
        origin: &Origin,
    ) -> Result<(Organisation, UpsertOutcome, EngagementsRead), AppError> {
        let read = read_engagements_csv(file, reader)?;
        let org = match council {
            Council::Own { la, org } => {
                one_council(file, &read, la, |e| {
                    Diagnostic::error(
                        file,
                        format!("la_code {} is not {}'s code ({la})", e.la_code, org.name),
                        format!("Import only your own council's engagements, with la_code {la}"),
                    )
                })?;
                org.clone()
            }
            Council::Named => {
                let Some((_, first)) = read.engagements.first() else {
                    return Err(invalid(
                        format!("{file} has no engagements"),
                        "Add a row per engagement below the header",
                    ));
                };
                let la = first.la_code.clone();
                one_council(file, &read, &la, |e| {
                    Diagnostic::error(
                        file,
                        format!("la_code {} differs from the first row's {la}", e.la_code),
                        "Import one council's engagements per file",
                    )
                })?;
                self.council_org(&la)?
            }
        };
        let engagements: Vec<Engagement> =
            read.engagements.iter().map(|(_, e)| e.clone()).collect();
        // On the register's organisation's audit log, in the import's own transaction.
        let line = |outcome: &UpsertOutcome| {
            let mut line = crate::access::audit_line(
                Some(who),
                "agency_import",
                &format!(
                    "agency register {}",
                    org.la_code.as_deref().unwrap_or_default()
                ),
                &imported(file, outcome),
                origin,
            );
            line.org_id = Some(org.id);
            line.user_id = Some(who.user.id).filter(|id| *id != 0);
            line
        };
        let outcome = self.store().upsert_engagements_audited(
            org.id,
            &engagements,
            &now_stamp(),
            Some(&line),
        )?;
        Ok((org, outcome, read))
    }

    /// Adds or replaces one engagement (from the web form).
    pub fn save_engagement(
        &self,
        who: &Principal,
        engagement: Engagement,
        origin: &Origin,
    ) -> Result<StoredEngagement, AppError> {
        let la = self.own_council(who, Access::Write)?;
        if engagement.la_code != la {
            return Err(invalid(
                format!("The council must be {} ({la})", who.org.name),
                "Record only your own council's engagements",
            ));
        }
        let reference = engagement.reference.clone();
        let outcome = self.store().upsert_engagements(
            who.org.id,
            std::slice::from_ref(&engagement),
            &now_stamp(),
        )?;
        self.audit_event(
            Some(who),
            "agency_record",
            &format!("engagement {reference}"),
            if outcome.added == 1 {
                "added"
            } else {
                "updated"
            },
            origin,
        )?;
        self.store()
            .engagements(who.org.id)?
            .into_iter()
            .find(|s| s.engagement.reference == reference)
            .ok_or_else(|| AppError::Unavailable("the engagement was not kept".into()))
    }

    /// The council's register with each engagement's result. Viewing it is on the audit log:
    /// it names workers.
    pub fn agency_register(
        &self,
        who: &Principal,
        origin: &Origin,
    ) -> Result<Vec<Checked>, AppError> {
        let la = self.own_council(who, Access::Read)?;
        let stored = self.store().engagements(who.org.id)?;
        self.audit_event(
            Some(who),
            "view_personal_data",
            &format!("agency register {la}"),
            &swforce_domain::number::count_of(stored.len(), "engagement", "engagements"),
            origin,
        )?;
        self.with_results(stored)
    }

    /// One engagement of the person's council, with its result.
    pub fn agency_engagement(
        &self,
        who: &Principal,
        id: i64,
        origin: &Origin,
    ) -> Result<Checked, AppError> {
        self.own_council(who, Access::Read)?;
        let Some(s) = self.store().engagement(who.org.id, id)? else {
            return Err(AppError::NotFound {
                kind: "engagement",
                query: String::new(),
                suggestions: Vec::new(),
            });
        };
        self.audit_event(
            Some(who),
            "view_personal_data",
            &format!("engagement {}", s.engagement.reference),
            "",
            origin,
        )?;
        Ok(self.with_results(vec![s])?.remove(0))
    }

    pub fn delete_engagement(
        &self,
        who: &Principal,
        id: i64,
        origin: &Origin,
    ) -> Result<(), AppError> {
        self.own_council(who, Access::Write)?;
        let Some(s) = self.store().engagement(who.org.id, id)? else {
            return Err(AppError::NotFound {
                kind: "engagement",
                query: String::new(),
                suggestions: Vec::new(),
            });
        };
        self.store().delete_engagement(who.org.id, id)?;
        self.audit_event(
            Some(who),
            "agency_record",
            &format!("engagement {}", s.engagement.reference),
            "deleted",
            origin,
        )
    }
}

/// The council whose register a file of engagements goes into.
enum Council<'a> {
    /// A person's own council: each row must name it.
    Own { la: &'a str, org: &'a Organisation },
    /// The council the rows name (each the same), found among the organisations on record.
    Named,
}

/// Refuses a file with the rows that do not name council `la`, each reported by `other`.
fn one_council(
    file: &str,
    read: &EngagementsRead,
    la: &str,
    other: impl Fn(&Engagement) -> Diagnostic,
) -> Result<(), AppError> {
    let others: Vec<Diagnostic> = read
        .engagements
        .iter()
        .filter(|(_, e)| e.la_code != la)
        .take(50)
        .map(|(line, e)| other(e).at(*line, None).field("la_code"))
        .collect();
    if others.is_empty() {
        return Ok(());
    }
    Err(AppError::Refused(Refused {
        file: file.to_string(),
        diagnostics: others,
    }))
}

/// What an import changed, for the audit log.
fn imported(file: &str, outcome: &UpsertOutcome) -> String {
    format!(
        "{file}: {} added, {} updated, {} unchanged",
        outcome.added, outcome.updated, outcome.unchanged
    )
}
