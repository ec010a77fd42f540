//! Agency rules on the web: a regional alliance sets price caps, a council imports its register
//! and sees each engagement's result, its summary and its quarterly return; a file is checked
//! without being kept; the JSON API gives the summary to a token.

use crate::{fixture, spawn_app};
use swforce_app::access::Origin;

fn corrected(csv: &str) -> String {
    csv.lines()
        .map(|l| {
            if l.starts_with("KCC-AGY-0010,") {
                l.replace(",5.31,,2018-09-01,", ",5.31,4.60,2018-09-01,")
            } else if l.starts_with("KCC-AGY-0012,") {
                l.replace(",2020-07-10,,Thurrock", ",2020-07-10,5,Thurrock")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn a_council_keeps_its_register_against_its_regions_caps_and_exports_the_return() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let analyst = app.person(kent, "analyst@kent.test", &["workforce_analyst"]);
    let worker = app.person(kent, "worker@kent.test", &["social_worker"]);
    let alliance = app
        .app
        .create_organisation(
            &app.site_admin(),
            "South East Regional Alliance",
            "regional_alliance",
            "South East",
            "",
            &Origin::default(),
        )
        .unwrap();
    assert_eq!(alliance.la_code.as_deref(), Some("E12000008"));
    let lead = app.person(alliance.id, "lead@se-alliance.test", &["workforce_analyst"]);

    // Each sees the link to its own page only.
    let rules = lead.get("/agency");
    assert!(rules.body.contains("Your region's agency workers"));
    assert!(
        !rules.body.contains("Your council's agency workers"),
        "an alliance keeps no register"
    );
    let rules = analyst.get("/agency");
    assert!(rules.body.contains("Your council's agency workers"));
    assert!(!rules.body.contains("Your region's agency workers"));

    // The alliance sets its caps; a bad one is refused beside its field.
    for (job, hourly) in [
        ("social_worker", "55.00"),
        ("senior_social_worker", "62.00"),
        ("team_manager", "68.00"),
    ] {
        let a = lead.post_form(
            "/agency/region/caps",
            &[
                ("cap_job", job),
                ("cap_from", "2024-10-31"),
                ("cap_hourly", hourly),
            ],
        );
        assert_eq!(a.status, 303, "{}", a.body);
        let saved = lead.get(a.header("location").unwrap());
        assert!(saved.body.contains("Price cap saved"), "{}", saved.body);
    }
    let bad = lead.post_form(
        "/agency/region/caps",
        &[
            ("cap_job", "social_worker"),
            ("cap_from", "2024-10-31"),
            ("cap_hourly", "lots"),
        ],
    );
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"cap_hourly-error\""), "{}", bad.body);
    assert_eq!(app.app.store().price_caps().unwrap().len(), 3);
    // A council cannot set a cap, and an alliance keeps no register.
    assert_eq!(
        analyst
            .post_form(
                "/agency/region/caps",
                &[
                    ("cap_job", "social_worker"),
                    ("cap_from", "2024-10-31"),
                    ("cap_hourly", "99")
                ],
            )
            .status,
        403
    );
    assert_eq!(lead.get("/agency/council").status, 403);

    // The council imports its register: all of it, once.
    let file = fixture("agency_engagements.csv");
    let imported = analyst.post_file("/agency/council/import", "kent-agency.csv", &file, &[]);
    assert_eq!(imported.status, 303, "{}", imported.body);
    let summary = analyst.get(imported.header("location").unwrap());
    assert!(
        summary.body.contains("13 added, 0 updated, 0 unchanged"),
        "{}",
        summary.body
    );
    let again = analyst.post_file("/agency/council/import", "kent-agency.csv", &file, &[]);
    let summary = analyst.get(again.header("location").unwrap());
    assert!(summary.body.contains("0 added, 0 updated, 13 unchanged"));
    assert_eq!(app.app.store().engagements(kent).unwrap().len(), 13);

    // The register shows each result; the page names workers, so viewing it is on the log.
    let register = analyst.get("/agency/council/engagements");
    assert_eq!(register.status, 200);
    for (reference, why) in [
        ("KCC-AGY-0002", "AGY-1 Three years"),
        ("KCC-AGY-0003", "AGY-2 Three months"),
        ("KCC-AGY-0008", "AGY-5 Practice-based reference"),
        ("KCC-AGY-0009", "AGY-3 Notice period"),
        ("KCC-AGY-0010", "AGY-6 Project teams"),
        (
            "KCC-AGY-0012",
            "needs Years of post-qualifying experience in child and family social work (pqe_years)",
        ),
    ] {
        let row = register
            .body
            .split("<tr")
            .find(|r| r.contains(reference))
            .unwrap_or_else(|| panic!("{reference} is listed"));
        assert!(row.contains(why), "{reference}: {row}");
    }
    let audit = app.app.store().audit(Some(kent), 50).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "view_personal_data" && e.target == "agency register E10000016")
    );

    // One engagement's evidence, rule by rule.
    let stored = app.app.store().engagements(kent).unwrap();
    let third = stored
        .iter()
        .find(|s| s.engagement.reference == "KCC-AGY-0003")
        .unwrap();
    let page = analyst.get(&format!(
        "/agency/council/engagements/{}",
        app.public(swforce_app::public_id::Kind::Engagement, third.id)
    ));
    assert!(
        page.body
            .contains("resigned from East Sussex County Council"),
        "{}",
        page.body
    );
    assert!(page.body.contains("before 2025-04-30"));
    let legacy = stored
        .iter()
        .find(|s| s.engagement.reference == "KCC-AGY-0011")
        .unwrap();
    let page = analyst.get(&format!(
        "/agency/council/engagements/{}",
        app.public(swforce_app::public_id::Kind::Engagement, legacy.id)
    ));
    assert!(
        page.body.contains("Judged at 1 October 2025"),
        "{}",
        page.body
    );
    assert_eq!(
        worker
            .get(&format!(
                "/agency/council/engagements/{}",
                app.public(swforce_app::public_id::Kind::Engagement, third.id)
            ))
            .status,
        403
    );

    // The summary of a quarter, with the premium once permanent costs are set.
    let costs = analyst.post_form(
        "/agency/council/costs",
        &[
            ("cost-social_worker", "38.50"),
            ("cost-senior_social_worker", "42.00"),
            ("cost-team_manager", ""),
        ],
    );
    assert_eq!(costs.status, 303);
    let q3 = analyst.get("/agency/council?quarter=2025Q3");
    assert_eq!(q3.status, 200);
    assert!(q3.body.contains("Breaches by rule, July to September 2025"));
    assert!(
        q3.body
            .contains("Set the permanent cost of advanced practitioner, team manager, independent reviewing officer or child protection chair to count their premium"),
        "{}",
        q3.body
    );
    assert_eq!(analyst.get("/agency/council?quarter=2025Q9").status, 400);

    // The assignments part: every engagement running in the quarter, with what the Department
    // collects. Fields it does not collect do not stop it.
    let csv = analyst.get("/agency/council/return.csv?quarter=2025Q3");
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(
        csv.body.starts_with(
            "la_code,quarter,reference,swe_number,agency,role_type,hourly_pay_rate,start_date,end_date,project_team,packaged_model,status,breaches\n"
        ),
        "{}",
        csv.body
    );
    assert_eq!(
        csv.body.lines().count(),
        14,
        "a line per engagement running in the quarter"
    );
    assert!(csv.body.contains(
        "E10000016,2025Q3,KCC-AGY-0010,SW211870,Medway Valley Staffing,social_worker,44.00,2025-07-07,2026-01-09,Swale Assessment Project Team,yes,breach,AGY-6\n"
    ), "{}", csv.body);
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .contains("agency-return-E10000016-2025Q3-assignments.csv")
    );
    // The gaps are the council's own, on its page.
    assert!(q3.body.contains("Gaps in your own figures"), "{}", q3.body);
    assert!(
        q3.body
            .contains("<li>Agency margin an hour, £ (agency_margin): 1</li>"),
        "{}",
        q3.body
    );
    assert!(q3.body.contains("(pqe_years): 1</li>"), "{}", q3.body);
    // The council part, with its explanations and its notes on agencies.
    assert!(
        q3.body.contains("Why AGY-2 was not complied with"),
        "{}",
        q3.body
    );
    assert!(
        !q3.body.contains("Why AGY-4 was not complied with"),
        "no breach, no question"
    );
    let notes = analyst.post_form(
        "/agency/council/return/notes",
        &[
            ("quarter", "2025Q3"),
            (
                "explanation-AGY-2",
                "A returning worker was engaged before the checks were in place",
            ),
            ("agency-0-name", "Harbour Social Care Ltd"),
            ("agency-0", "Late practice references"),
            ("agency-1-name", "Medway Valley Staffing"),
            ("agency-1", ""),
        ],
    );
    assert_eq!(notes.status, 303, "{}", notes.body);
    let saved = analyst.get(notes.header("location").unwrap());
    assert!(
        saved
            .body
            .contains("Return notes for July to September 2025 saved"),
        "{}",
        saved.body
    );
    assert!(saved.body.contains(">Late practice references</textarea>"));
    let part = analyst.get("/agency/council/return.csv?quarter=2025Q3&part=council");
    assert_eq!(part.status, 200, "{}", part.body);
    for line in [
        "la_code,quarter,section,subject,value,detail\n",
        "E10000016,2025Q3,compliance,AGY-2,not compliant,",
        "E10000016,2025Q3,explanation,AGY-2,A returning worker was engaged before the checks were in place,\n",
        "E10000016,2025Q3,agency,Harbour Social Care Ltd,Late practice references,",
        "E10000016,2025Q3,monthly_cost,2025-07,",
        "E10000016,2025Q3,monthly_cost,2025-09,",
    ] {
        assert!(part.body.contains(line), "{line}\n{}", part.body);
    }
    assert!(
        !part.body.contains("Medway Valley Staffing"),
        "no note, not named"
    );
    assert_eq!(
        worker
            .post_form(
                "/agency/council/return/notes",
                &[("quarter", "2025Q3"), ("explanation-AGY-2", "x")]
            )
            .status,
        403
    );

    // A note saved again unchanged writes nothing more to the audit log; an explanation for a
    // rule with no breach is not taken.
    let audited = |app: &crate::TestApp| {
        app.app
            .store()
            .audit(Some(kent), 200)
            .unwrap()
            .iter()
            .filter(|e| e.target == "agency return E10000016 2025Q3")
            .count()
    };
    let before = audited(&app);
    assert_eq!(before, 2, "the explanation and the note, not the empty box");
    analyst.post_form(
        "/agency/council/return/notes",
        &[
            ("quarter", "2025Q3"),
            (
                "explanation-AGY-2",
                "A returning worker was engaged before the checks were in place",
            ),
            ("explanation-AGY-4", "sneaky"),
            ("agency-0-name", "Harbour Social Care Ltd"),
            ("agency-0", "Late practice references"),
        ],
    );
    assert_eq!(audited(&app), before);
    assert!(
        !analyst
            .get("/agency/council/return.csv?quarter=2025Q3&part=council")
            .body
            .contains("sneaky")
    );
    // The import banner says only numbers: a link cannot put words in it.
    let spoof = analyst.get("/agency/council?imported=All%20deleted.%20Call%20us");
    assert!(!spoof.body.contains("All deleted"), "{}", spoof.body);
    assert!(!spoof.body.contains("Engagements imported"));
    // The quarters go back to the first of the rules.
    assert!(q3.body.contains("value=\"2024Q4\""), "{}", q3.body);

    // Completing the register fills the gaps.
    let fixed = analyst.post_file(
        "/agency/council/import",
        "kent-agency.csv",
        corrected(&String::from_utf8(file.clone()).unwrap()).as_bytes(),
        &[],
    );
    let summary = analyst.get(fixed.header("location").unwrap());
    assert!(
        summary.body.contains("0 added, 2 updated, 11 unchanged"),
        "{}",
        summary.body
    );
    let q3 = analyst.get("/agency/council?quarter=2025Q3");
    assert!(!q3.body.contains("Gaps in your own figures"), "{}", q3.body);

    // Without an hourly pay rate, which the Department collects, the return is refused.
    let unpaid = corrected(&String::from_utf8(file).unwrap()).replace(
        ",2025-09-01,,37,limited_company,68.00,",
        ",2025-09-01,,37,limited_company,,",
    );
    analyst.post_file(
        "/agency/council/import",
        "kent-agency.csv",
        unpaid.as_bytes(),
        &[],
    );
    let refused = analyst.get("/agency/council/return.csv?quarter=2025Q3");
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("KCC-AGY-0013 (SW250417) has no pay_rate, which the Department collects"),
        "{}",
        refused.body
    );
    assert!(
        app.app
            .store()
            .audit(Some(kent), 50)
            .unwrap()
            .iter()
            .any(|e| e.action == "export")
    );
    assert_eq!(
        worker
            .get("/agency/council/return.csv?quarter=2025Q3")
            .status,
        403
    );

    // The alliance sees the council's figures, without names.
    let region = lead.get("/agency/region?quarter=2025Q3");
    assert_eq!(region.status, 200);
    assert!(region.body.contains("Kent County Council"));
    assert!(!region.body.contains("SW118402"), "no worker is named");
    assert!(region.body.contains("£55.00"));
    // The region's premium is its councils' own (Kent set its permanent costs).
    let premium = region
        .body
        .split("Premium over permanent staff")
        .nth(1)
        .and_then(|rest| rest.split("</dd>").next())
        .unwrap();
    assert!(premium.contains("£") && !premium.contains("–"), "{premium}");

    // The API gives the summary to a token with agency:read.
    let token = app.token("analyst@kent.test", &["agency:read"]);
    let api = app.request(
        "GET",
        "/api/v1/agency/summary?quarter=2025Q3",
        &[("authorization", &format!("Bearer {token}"))],
        None,
    );
    assert_eq!(api.status, 200, "{}", api.body);
    let json = api.json();
    assert_eq!(json["engagements"], 13);
    assert!(
        json["breaches_by_rule"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["rule"] == "AGY-2")
    );
    let list = app.request(
        "GET",
        "/api/v1/agency/engagements",
        &[("authorization", &format!("Bearer {token}"))],
        None,
    );
    assert_eq!(list.json().as_array().unwrap().len(), 13);
}

#[test]
fn the_form_checks_each_field_like_a_file_and_saves_nothing_when_wrong() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let analyst = app.person(kent, "analyst@kent.test", &["workforce_analyst"]);
    let form = analyst.get("/agency/council/engagements/new");
    assert_eq!(form.status, 200);
    assert!(
        form.body
            .contains("<label class=\"sw-label\" for=\"swe_number\">")
    );
    let bad = analyst.post_form(
        "/agency/council/engagements",
        &[
            ("reference", "KCC-NEW-1"),
            ("swe_number", "XX1"),
            ("agency", "Harbour Social Care Ltd"),
            ("job_type", "social_worker"),
            ("start_date", "31/02/2025"),
            ("pay_rate", "-4"),
        ],
    );
    assert_eq!(bad.status, 422);
    for field in ["swe_number", "start_date", "pay_rate"] {
        assert!(
            bad.body.contains(&format!("href=\"#{field}\"")),
            "{field} in the summary"
        );
        assert!(
            bad.body.contains(&format!("id=\"{field}-error\"")),
            "{field} error beside it"
        );
    }
    assert!(
        bad.body.contains("value=\"Harbour Social Care Ltd\""),
        "what was typed stays"
    );
    assert!(
        app.app.store().engagements(kent).unwrap().is_empty(),
        "nothing saved"
    );
    let good = analyst.post_form(
        "/agency/council/engagements",
        &[
            ("reference", "KCC-NEW-1"),
            ("swe_number", "sw123456"),
            ("agency", "Harbour Social Care Ltd"),
            ("job_type", "social_worker"),
            ("start_date", "03/03/2025"),
            ("pqe_years", "2"),
        ],
    );
    assert_eq!(good.status, 303, "{}", good.body);
    let page = analyst.get(good.header("location").unwrap());
    assert!(page.body.contains("SW123456"));
    assert!(
        page.body.contains("sw-notification-banner--success")
            && page.body.contains("Engagement KCC-NEW-1 saved"),
        "saving is confirmed"
    );
    assert!(
        page.body
            .contains("2 years&#39; post-qualifying experience")
            || page.body.contains("2 years' post-qualifying experience"),
        "{}",
        page.body
    );
    // Change it from its page: the form comes back filled in.
    let id = good
        .header("location")
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches("?saved=1")
        .to_string();
    let edit = analyst.get(&format!("/agency/council/engagements/new?edit={id}"));
    assert!(edit.body.contains("value=\"KCC-NEW-1\""));
    assert!(edit.body.contains("value=\"2025-03-03\""));
    let gone = analyst.post_form(&format!("/agency/council/engagements/{id}/delete"), &[]);
    assert_eq!(gone.status, 303);
    assert!(app.app.store().engagements(kent).unwrap().is_empty());
}

#[test]
fn anyone_can_check_a_file_against_the_rules_and_nothing_is_kept() {
    let app = spawn_app();
    let anon = app.browser();
    let rules = anon.get("/agency");
    assert_eq!(rules.status, 200);
    for id in ["AGY-1", "AGY-2", "AGY-3", "AGY-4", "AGY-5", "AGY-6"] {
        assert!(rules.body.contains(id));
    }
    assert!(rules.body.contains("1 October 2025"));
    let checked = anon.post_file(
        "/agency/check",
        "engagements.csv",
        &fixture("agency_engagements.csv"),
        &[],
    );
    assert_eq!(checked.status, 200, "{}", checked.body);
    assert!(checked.body.contains("Nothing from the file has been kept"));
    assert!(checked.body.contains("Line 3: KCC-AGY-0002"));
    // No caps on record here: no cap is in force, so the price cap does not apply, and says why.
    assert!(checked.body.contains("no price cap in force"));
    // Counts by rule at the top, a folded line per engagement, and a filter for breaches.
    assert!(checked.body.contains("Results by rule"), "{}", checked.body);
    assert_eq!(
        checked
            .body
            .matches("<details class=\"sw-details\">")
            .count(),
        13
    );
    assert!(
        checked
            .body
            .contains("Show only the 5 engagements with a breach"),
        "{}",
        checked.body
    );
    assert_eq!(checked.body.matches("sw-result--no-breach").count(), 8);
    // The results come back as a file without choosing the file again.
    let value = checked
        .body
        .split("name=\"results\" value=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .unwrap();
    let results = value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let download = anon.post_form(
        "/agency/check/results.csv",
        &[("file", "engagements.csv"), ("results", &results)],
    );
    assert_eq!(download.status, 200, "{}", download.body);
    assert!(
        download
            .header("content-disposition")
            .unwrap()
            .contains("engagements-results.csv")
    );
    assert!(download.body.starts_with(
        "line,reference,swe_number,engagement_status,rule,rule_title,result,missing_fields,evidence"
    ));
    assert_eq!(download.body.lines().count(), 13 * 6 + 1);
    assert!(
        download
            .body
            .contains("3,KCC-AGY-0002,SW231877,breach,AGY-1,Three years' experience,breach,,")
    );
    assert_eq!(
        anon.post_form("/agency/check/results.csv", &[("results", "<script>")])
            .status,
        400
    );
    // The template and the example, linked from the rules page.
    assert!(rules.body.contains("href=\"/agency/template.csv\""));
    assert!(rules.body.contains("href=\"/agency/example.csv\""));
    let template = anon.get("/agency/template.csv");
    assert_eq!(template.status, 200);
    assert!(
        template.body.starts_with("\"# swforce agency engagements"),
        "{}",
        template.body
    );
    assert!(template.body.contains("# packaged_model (optional)"));
    let example = anon.get("/agency/example.csv");
    assert_eq!(example.body.as_bytes(), fixture("agency_engagements.csv"));
    let bad = anon.post_file(
        "/agency/check",
        "bad.csv",
        b"reference,swe_number\nA,SW1\n",
        &[],
    );
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("agency"),
        "names the missing columns: {}",
        bad.body
    );
    assert!(
        app.app.store().organisations().unwrap().iter().all(|o| app
            .app
            .store()
            .engagements(o.id)
            .unwrap()
            .is_empty())
    );
}
