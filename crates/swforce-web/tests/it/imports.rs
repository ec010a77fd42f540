use crate::{fixture, spawn_app, spawn_app_with};
use swforce_web::Options;

const NEW: &str = "csww_headline_2022_to_2023_new_names.csv";

#[test]
fn uploading_a_file_imports_it_and_redirects_to_a_success_banner() {
    let app = spawn_app();
    // Seen once, so the page is cached: the import must still show through.
    assert!(app.get_page("/").contains("year to 30 September 2022"));
    let analyst = app.analyst();
    let a = analyst.post_file("/imports", NEW, &fixture(NEW), &[]);
    assert_eq!(a.status, 303, "{}", a.body);
    let location = a.header("location").unwrap().to_string();
    assert!(location.starts_with("/imports?imported="), "{location}");
    let html = analyst.get(&location).body;
    assert!(html.contains("sw-notification-banner--success"));
    assert!(html.contains(NEW));
    // The later release's 2023 figures now appear.
    assert!(app.get_page("/").contains("year to 30 September 2023"));
    // The same file again changes nothing.
    let again = analyst.post_file("/imports", NEW, &fixture(NEW), &[]);
    assert!(
        again
            .header("location")
            .unwrap()
            .starts_with("/imports?already=")
    );
}

#[test]
fn a_bad_file_is_refused_with_an_error_summary_linked_to_the_field() {
    let app = spawn_app();
    let text = String::from_utf8(fixture(NEW))
        .unwrap()
        .replacen("31645.2", "-31645.2", 1);
    let a = app
        .analyst()
        .post_file("/imports", "bad.csv", text.as_bytes(), &[]);
    assert_eq!(a.status, 422);
    assert!(a.body.contains("sw-error-summary"));
    assert!(a.body.contains("href=\"#file\""));
    assert!(
        a.body.contains(
            "Line 2, column 11: field &#34;inpost_fte&#34; is -31645.2; a count cannot be negative"
        ) || a
            .body
            .contains("Line 2, column 11: field &quot;inpost_fte&quot; is -31645.2"),
        "{}",
        a.body
            .split("sw-error-summary__list")
            .nth(1)
            .unwrap_or("")
            .chars()
            .take(400)
            .collect::<String>()
    );
    assert!(a.body.contains("<title>Error: Imports"));
    assert!(!app.get_page("/").contains("2023"), "nothing was imported");
}

#[test]
fn an_empty_upload_and_a_missing_file_say_what_to_do() {
    let app = spawn_app();
    let analyst = app.analyst();
    let a = analyst.post_file("/imports", "empty.csv", b"", &[]);
    assert_eq!(a.status, 422);
    assert!(a.body.contains("The selected file is empty"));
    let a = analyst.post_raw(
        &format!("/imports?csrf={}", analyst.csrf()),
        "multipart/form-data; boundary=x",
        b"--x--\r\n",
    );
    assert_eq!(a.status, 400);
    assert!(a.body.contains("Select a CSV file to import"));
}

#[test]
fn an_upload_over_the_limit_is_refused_with_413() {
    let app = spawn_app();
    let big = vec![b'a'; swforce_web::MAX_UPLOAD_BYTES + 1024];
    let a = app.analyst().post_file("/imports", "huge.csv", &big, &[]);
    assert_eq!(
        a.status,
        413,
        "{}",
        a.body.chars().take(300).collect::<String>()
    );
    assert!(a.body.contains("larger than 50 MB"));
}

#[test]
fn a_form_posted_from_another_site_is_refused() {
    let app = spawn_app();
    let a = app.post_file(
        "/imports",
        NEW,
        &fixture(NEW),
        &[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ],
    );
    assert_eq!(a.status, 403);
}

#[test]
fn a_read_only_service_refuses_imports() {
    let app = spawn_app_with(Options {
        read_only: true,
        ..Options::default()
    });
    assert!(
        app.get_page("/imports")
            .contains("Imports are switched off")
    );
    assert_eq!(
        app.analyst()
            .post_file("/imports", NEW, &fixture(NEW), &[])
            .status,
        403
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/imports?file_name={NEW}"),
            "text/csv",
            &fixture(NEW),
            &[]
        )
        .status,
        403
    );
}

#[test]
fn a_read_only_service_refuses_imports_from_a_page_and_a_token_alike() {
    let app = spawn_app_with(Options {
        read_only: true,
        ..Options::default()
    });
    let before = app.get_json("/api/v1/imports").as_array().unwrap().len();
    let page = app.analyst().post_file("/imports", NEW, &fixture(NEW), &[]);
    assert_eq!(page.status, 403);
    assert!(
        page.body.contains("Imports are switched off"),
        "{}",
        page.body
    );
    let token = app.token("analyst@education.test", &["statistics:import"]);
    let api = app.post(
        &format!("/api/v1/imports?file_name={NEW}"),
        "text/csv",
        &fixture(NEW),
        &[("authorization", &format!("Bearer {token}"))],
    );
    assert_eq!(api.status, 403, "{}", api.body);
    assert_eq!(api.json()["error"]["title"], "Imports are switched off");
    assert_eq!(
        app.get_json("/api/v1/imports").as_array().unwrap().len(),
        before
    );
}
