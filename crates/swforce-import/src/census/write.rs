//! Writing a return: the elements in schema order, numbers with the digits the schema allows.

use std::io::{self, Write};
use swforce_domain::census::{CensusHeader, CensusWorker, LaVacancies};

/// Escapes text for element content.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn el(out: &mut impl Write, indent: &str, name: &str, value: &str) -> io::Result<()> {
    writeln!(out, "{indent}<{name}>{}</{name}>", esc(value))
}

/// Writes a whole return. The output validates against the 2022 schema whenever the records
/// came from a valid return.
pub fn write_census(
    out: &mut impl Write,
    header: &CensusHeader,
    vacancies: &LaVacancies,
    workers: &[CensusWorker],
) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, "<Message>")?;
    writeln!(out, "  <Header>")?;
    writeln!(out, "    <CollectionDetails>")?;
    el(out, "      ", "Collection", "CSWW")?;
    if let Some(y) = header.year {
        el(out, "      ", "Year", &format!("{y:04}"))?;
    }
    if let Some(d) = header.reference_date {
        el(out, "      ", "ReferenceDate", &d.to_string())?;
    }
    writeln!(out, "    </CollectionDetails>")?;
    if let Some(lea) = header.lea {
        writeln!(out, "    <Source>")?;
        el(out, "      ", "SourceLevel", "L")?;
        el(out, "      ", "LEA", &lea.to_string())?;
        el(
            out,
            "      ",
            "SoftwareCode",
            header.software.as_deref().unwrap_or("swforce"),
        )?;
        if let Some(g) = &header.generated {
            el(out, "      ", "DateTime", g)?;
        }
        writeln!(out, "    </Source>")?;
    }
    writeln!(out, "  </Header>")?;
    writeln!(out, "  <LALevelVacancies>")?;
    el(
        out,
        "    ",
        "NumberOfVacancies",
        &format!("{:.2}", vacancies.vacancies_fte),
    )?;
    el(
        out,
        "    ",
        "NoAgencyFTE",
        &format!("{:.2}", vacancies.agency_cover_fte),
    )?;
    el(
        out,
        "    ",
        "NoAgencyHeadcount",
        &vacancies.agency_cover_headcount.to_string(),
    )?;
    writeln!(out, "  </LALevelVacancies>")?;
    for w in workers {
        write_worker(out, w)?;
    }
    writeln!(out, "</Message>")
}

/// One worker's record.
pub fn write_worker(out: &mut impl Write, w: &CensusWorker) -> io::Result<()> {
    let i = "    ";
    let yn = |b: bool| if b { "1" } else { "0" };
    writeln!(out, "  <CSWWWorker>")?;
    el(out, i, "AgencyWorker", yn(w.agency))?;
    el(out, i, "SWENo", w.swe.expose())?;
    if let Some(v) = w.fte {
        el(out, i, "FTE", &format!("{v:.6}"))?;
    }
    if let Some(d) = w.birth_date {
        el(out, i, "PersonBirthDate", &d.to_string())?;
    }
    if let Some(v) = &w.gender {
        el(out, i, "GenderCurrent", v)?;
    }
    if let Some(v) = &w.ethnicity {
        el(out, i, "Ethnicity", v)?;
    }
    for q in &w.qual_inst {
        el(out, i, "QualInst", q)?;
    }
    if w.qual_inst.is_empty() {
        // The schema requires one; an empty value says none was recorded.
        el(out, i, "QualInst", "")?;
    }
    if let Some(v) = &w.qual_level {
        el(out, i, "QualLevel", v)?;
    }
    if let Some(v) = w.step_up {
        el(out, i, "StepUpGrad", yn(v))?;
    }
    if let Some(v) = &w.org_role {
        el(out, i, "OrgRole", v)?;
    }
    if let Some(d) = w.role_start {
        el(out, i, "RoleStartDate", &d.to_string())?;
    }
    if let Some(v) = &w.start_origin {
        el(out, i, "StartOrigin", v)?;
    }
    if let Some(d) = w.role_end {
        el(out, i, "RoleEndDate", &d.to_string())?;
    }
    if let Some(v) = &w.leaver_destination {
        el(out, i, "LeaverDestination", v)?;
    }
    if let Some(v) = &w.reason_leave {
        el(out, i, "ReasonLeave", v)?;
    }
    if let Some(v) = w.fte30 {
        el(out, i, "FTE30", &format!("{v:.6}"))?;
    }
    if let Some(v) = w.cases30 {
        el(out, i, "Cases30", &v.to_string())?;
    }
    if let Some(v) = w.working_days_lost {
        el(out, i, "WorkingDaysLost", &format!("{v:.2}"))?;
    }
    for v in &w.contract_weeks {
        el(out, i, "ContractWeeks", &format!("{v:.1}"))?;
    }
    if let Some(v) = w.frontline_grad {
        el(out, i, "FrontlineGrad", yn(v))?;
    }
    for v in &w.absent_30_sept {
        el(out, i, "Absat30Sept", yn(*v))?;
    }
    for v in &w.reason_absence {
        el(out, i, "ReasonAbsence", v)?;
    }
    for v in &w.cfkss {
        el(out, i, "CFKSSstatus", v)?;
    }
    writeln!(out, "  </CSWWWorker>")
}
