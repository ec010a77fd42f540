//! `swforce healthcheck`: an invented round, and its results printed as the API gives them.

use crate::{stderr, stdout, swforce};

/// Every share in a JSON document, wherever it is (`agree`, `disagree`, `neutral`, `stay`,
/// `share`, and the benchmarks beside them).
fn shares(v: &serde_json::Value, out: &mut Vec<f64>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                let share = matches!(
                    k.as_str(),
                    "agree"
                        | "disagree"
                        | "neutral"
                        | "stay"
                        | "share"
                        | "england"
                        | "region"
                        | "previous"
                );
                match v {
                    serde_json::Value::Number(n) if share => out.push(n.as_f64().unwrap()),
                    _ => shares(v, out),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| shares(v, out)),
        _ => {}
    }
}

#[test]
fn a_generated_round_prints_as_the_api_gives_it_and_is_named_by_its_web_id() {
    let dir = tempfile::tempdir().unwrap();
    let made = swforce(
        dir.path(),
        &[
            "healthcheck",
            "generate",
            "--org",
            "E06000058",
            "--people",
            "60",
            "--seed",
            "3",
        ],
    );
    assert!(made.status.success(), "{}", stderr(&made));
    let said = stdout(&made);
    // "…: round ID "title", …": the id in the results page's address, not a number.
    let id = said
        .split("round ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_default()
        .to_string();
    assert!(
        id.len() >= 8 && id.parse::<i64>().is_err(),
        "round id {id:?} in {said}"
    );

    let json = swforce(
        dir.path(),
        &[
            "healthcheck",
            "summary",
            "--org",
            "E06000058",
            "--round",
            &id,
            "--format",
            "json",
        ],
    );
    assert!(json.status.success(), "{}", stderr(&json));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(doc["round"]["id"], id.as_str());
    assert_eq!(doc["published"], true);
    assert!(doc["organisation"]["stay"].is_number(), "{doc}");
    let mut found = Vec::new();
    shares(&doc, &mut found);
    assert!(found.len() > 40, "{} shares", found.len());
    for s in found {
        // Shares to a whole percentage, as the page shows them: an exact share of a small
        // group would say how many answered.
        assert!(((s * 100.0) - (s * 100.0).round()).abs() < 1e-9, "{s}");
    }
    // The store's own numbers never leave it.
    let text = stdout(&json);
    assert!(
        !text.contains("org_id") && !text.contains("invitations"),
        "{text}"
    );

    // A number (the store's own) is not a round; the fix says what to give.
    let wrong = swforce(
        dir.path(),
        &[
            "healthcheck",
            "summary",
            "--org",
            "E06000058",
            "--round",
            "1",
        ],
    );
    assert!(!wrong.status.success());
    let err = stderr(&wrong);
    assert!(err.contains("no closed health check round \"1\""), "{err}");
    assert!(err.contains("/healthcheck/rounds/ID/results"), "{err}");
    assert!(!err.contains("swforce places"), "{err}");

    // Out of range people: the range that is allowed, not the type's.
    let many = swforce(
        dir.path(),
        &[
            "healthcheck",
            "generate",
            "--org",
            "E06000058",
            "--people",
            "99999999999",
        ],
    );
    assert!(!many.status.success());
    assert!(stderr(&many).contains("1..=50000"), "{}", stderr(&many));
}
