//! A valid published file with fuzzer-chosen text put into its cells: the reader either
//! accepts it or refuses it with at least one error that names a line.
#![no_main]

use libfuzzer_sys::fuzz_target;

const BASE: &str = include_str!(
    "../../crates/swforce-import/tests/fixtures/csww_headline_2018_to_2022_bom_symbols.csv"
);

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(replacement) = std::str::from_utf8(rest) else {
        return;
    };
    let mut lines: Vec<String> = BASE.lines().map(str::to_string).collect();
    let line = 1 + usize::from(selector) % (lines.len() - 1);
    let mut fields: Vec<String> = lines[line].split(',').map(str::to_string).collect();
    let column = usize::from(selector / 7) % fields.len();
    fields[column] = replacement.to_string();
    lines[line] = fields.join(",");
    let text = lines.join("\n");
    if let Err(refused) = swforce_import::read_ees_csv("cells.csv", text.as_bytes()) {
        assert!(
            refused
                .errors()
                .any(|d| d.line.is_some() || d.problem.contains("empty")),
            "{refused:?}"
        );
    }
});
