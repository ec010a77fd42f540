use crate::demo;
use swforce_domain::OldLaCode;
use swforce_import::census::generate::{Defect, GenerateSpec, generate, mutate};

fn generated(workers: u32) -> String {
    let mut out = Vec::new();
    generate(
        &mut out,
        &GenerateSpec {
            workers,
            seed: 4,
            lea: OldLaCode::parse("839").unwrap(),
            year: 2022,
        },
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

/// Posts the census form: an optional year, the file, and which button was pressed.
fn post(file: &[u8], action: &str) -> crate::Answer {
    let b = "census-boundary-31";
    let mut body = format!("--{b}\r\nContent-Disposition: form-data; name=\"year\"\r\n\r\n\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"return.xml\"\r\nContent-Type: application/xml\r\n\r\n").into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{b}\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\n{action}\r\n--{b}--\r\n").as_bytes());
    let browser = demo().browser();
    browser.post_raw(
        &format!("/census?csrf={}", browser.csrf()),
        &format!("multipart/form-data; boundary={b}"),
        &body,
    )
}

#[test]
fn a_valid_return_shows_no_errors_and_its_indicators() {
    let a = post(generated(500).as_bytes(), "html");
    assert_eq!(
        a.status,
        200,
        "{}",
        a.body.chars().take(500).collect::<String>()
    );
    assert!(a.body.contains("500 worker records for Bournemouth, Christchurch and Poole (E06000058), collection year to 30 September 2022"));
    assert!(a.body.contains("No errors"));
    assert!(a.body.contains("Social workers in post (FTE)"));
    assert!(
        a.body
            .contains("Organisational role (social workers in post on 30 September)")
    );
    // The one script is the shipped file that moves focus; nothing from the return runs.
    assert_eq!(a.body.matches("<script").count(), 1);
    assert!(
        a.body
            .contains("<script src=\"/assets/swforce.js\" defer></script>")
    );
}

#[test]
fn an_invalid_return_lists_each_finding_with_its_line_and_record() {
    let text = mutate(&generated(20), Defect::FteAboveOne, 2022);
    let a = post(text.as_bytes(), "html");
    assert_eq!(a.status, 422);
    assert!(
        a.body.contains("1 error and"),
        "{}",
        a.body.split("sw-warning-text__text").nth(1).unwrap_or("")
    );
    assert!(a.body.contains("Message/CSWWWorker[1]/FTE30"));
    assert!(a.body.contains("XSD-VALUE (error)"));
    assert!(
        !a.body.contains("QQ0000000001"),
        "the SWE number never appears"
    );
}

#[test]
fn the_findings_download_as_csv() {
    let text = mutate(&generated(20), Defect::EndBeforeStart, 2022);
    let a = post(text.as_bytes(), "csv");
    assert_eq!(a.status, 200);
    assert_eq!(a.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(
        a.body
            .starts_with("rule,severity,line,column,path,element,record,message,fix,note\n")
    );
    assert!(a.body.contains("CSWW-B01,error,"));
}

#[test]
fn an_empty_file_or_no_file_says_what_to_do() {
    let a = post(b"", "html");
    assert_eq!(a.status, 422);
    assert!(a.body.contains("The selected file is empty"));
    assert!(a.body.contains("href=\"#file\""));
    let browser = demo().browser();
    let b = browser.post_raw(
        &format!("/census?csrf={}", browser.csrf()),
        "multipart/form-data; boundary=x",
        b"--x--\r\n",
    );
    assert_eq!(b.status, 400);
    assert!(b.body.contains("Select a census return to check"));
    let c = post(b"this is not xml at all", "html");
    assert_eq!(c.status, 422);
    assert!(
        c.body.contains("XML-SYNTAX") || c.body.contains("XSD-"),
        "{}",
        c.body.chars().take(300).collect::<String>()
    );
}

#[test]
fn the_page_offers_the_form_the_rules_and_the_schema() {
    let html = demo().get_page("/census");
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert!(html.contains("CSWW-B06"));
    let xsd = demo().get("/census/schema.xsd");
    assert_eq!(xsd.status, 200);
    assert!(xsd.body.contains("<xs:element name=\"Message\""));
}

/// The census form's body: the return, and a notes file when given.
fn form(file: &[u8], notes: Option<&str>, action: &str) -> (String, Vec<u8>) {
    let b = "census-boundary-47";
    let mut body = format!("--{b}\r\nContent-Disposition: form-data; name=\"year\"\r\n\r\n\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"return.xml\"\r\nContent-Type: application/xml\r\n\r\n").into_bytes();
    body.extend_from_slice(file);
    if let Some(n) = notes {
        body.extend_from_slice(format!("\r\n--{b}\r\nContent-Disposition: form-data; name=\"notes\"; filename=\"notes.csv\"\r\nContent-Type: text/csv\r\n\r\n{n}").as_bytes());
    }
    body.extend_from_slice(format!("\r\n--{b}\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\n{action}\r\n--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

fn post_with_notes(
    browser: &crate::browser::Browser<'_>,
    file: &[u8],
    notes: Option<&str>,
    action: &str,
) -> crate::Answer {
    let (kind, body) = form(file, notes, action);
    browser.post_raw(&format!("/census?csrf={}", browser.csrf()), &kind, &body)
}

#[test]
fn a_query_is_explained_on_the_page_and_the_return_becomes_ready_to_submit() {
    let text = mutate(&generated(20), Defect::CasesForManager, 2022);
    let browser = demo().browser();
    let a = post_with_notes(&browser, text.as_bytes(), None, "html");
    assert_eq!(a.status, 200, "a query alone leaves the return valid");
    assert!(
        a.body
            .contains("No errors, but 1 of 1 query needs an explanation"),
        "{}",
        a.body
    );
    assert!(a.body.contains("Explain the queries"));
    assert!(
        a.body
            .contains("<label class=\"sw-label sw-label--s\" for=\"note-1\">CSWW-B05 on record 1:")
    );
    let notes = "rule,record,note\nCSWW-B05,1,Team manager covering a vacant caseload\n";
    let a = post_with_notes(&browser, text.as_bytes(), Some(notes), "html");
    assert_eq!(a.status, 200);
    assert!(a.body.contains("Ready to submit"), "{}", a.body);
    assert!(a.body.contains("Team manager covering a vacant caseload"));
    assert!(!a.body.contains("Explain the queries"));
    assert!(
        a.body.contains("Your explanations"),
        "an explanation can still be changed"
    );
    assert!(
        a.body
            .contains(">Team manager covering a vacant caseload</textarea>")
    );
    let csv = post_with_notes(&browser, text.as_bytes(), Some(notes), "csv");
    assert!(
        csv.body
            .contains(",Team manager covering a vacant caseload\n"),
        "{}",
        csv.body
    );
    // What is written in the boxes comes back as a notes file.
    let n = browser.post_form(
        "/census/notes.csv",
        &[
            ("rule", "CSWW-B05"),
            ("record", "1"),
            ("note", " Covering "),
            ("rule", "CSWW-B13"),
            ("record", "4"),
            ("note", ""),
        ],
    );
    assert_eq!(n.status, 200);
    assert_eq!(n.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(n.body, "rule,record,note\nCSWW-B05,1,Covering\n");
}

#[test]
fn a_notes_file_with_a_problem_is_refused_beside_its_field() {
    let text = mutate(&generated(20), Defect::CasesForManager, 2022);
    let a = post_with_notes(
        &demo().browser(),
        text.as_bytes(),
        Some("rule,record,note\nCSWW-B01,1,fine\n"),
        "html",
    );
    assert_eq!(a.status, 422);
    assert!(
        a.body
            .contains("notes.csv line 2: CSWW-B01 is an error, and errors cannot be explained"),
        "{}",
        a.body
    );
    assert!(
        a.body.contains("href=\"#notes\""),
        "the summary links to the notes field"
    );
    assert!(
        a.body
            .contains("aria-describedby=\"notes-hint notes-error-1\""),
        "the error is read with the notes field"
    );
    assert!(
        !a.body.contains("file-error-1"),
        "and not with the return's"
    );
}

#[test]
fn impossible_indicators_are_withheld_with_the_reason() {
    let text = mutate(&generated(40), Defect::NegativeVacancies, 2022);
    let a = post(text.as_bytes(), "html");
    assert_eq!(a.status, 422);
    assert!(
        a.body
            .contains("Withheld: Vacancies (FTE) is negative (-4)"),
        "{}",
        a.body
    );
    assert!(!a.body.contains("-22"), "no negative vacancy rate");
}

#[test]
fn the_authoritys_own_people_see_continuity_with_last_years_stored_return_others_do_not() {
    let app = crate::spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let keys = app.person(
        kent,
        "census@kent.test",
        &["workforce_analyst", "org_admin"],
    );
    let make = |year: i32, seed: u64| {
        let mut out = Vec::new();
        generate(
            &mut out,
            &GenerateSpec {
                workers: 60,
                seed,
                lea: OldLaCode::parse("886").unwrap(),
                year,
            },
        )
        .unwrap();
        out
    };
    let stored = keys.post_file("/census/returns", "kent-2021.xml", &make(2021, 1), &[]);
    assert_eq!(stored.status, 303, "{}", stored.body);
    let this = make(2022, 2);
    let a = post_with_notes(&keys, &this, None, "html");
    assert!(
        a.body.contains("Compared with your stored 2021 return"),
        "{}",
        a.body
    );
    assert!(a.body.contains("Compared with the 2021 return"));
    assert!(
        a.body
            .contains("neither in post nor a leaver in this return")
    );
    let audit = app.app.store().audit(Some(kent), 1000).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "view_personal_data" && e.target == "census E10000016 2021"),
        "reading last year's records is on the audit log"
    );
    let guest = post_with_notes(&app.browser(), &this, None, "html");
    assert!(
        guest.body.contains("Not compared with last year"),
        "{}",
        guest.body
    );
    assert!(
        !guest
            .body
            .contains("neither in post nor a leaver in this return")
    );
}
