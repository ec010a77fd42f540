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
    assert!(!a.body.contains("<script"));
}

#[test]
fn an_invalid_return_lists_each_finding_with_its_line_and_record() {
    let text = mutate(&generated(20), Defect::FteAboveOne, 2022);
    let a = post(text.as_bytes(), "html");
    assert_eq!(a.status, 422);
    assert!(
        a.body.contains("1 error(s)"),
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
