//! The reader never panics, and a damaged cell is reported on its own line.

use crate::fixture;
use proptest::prelude::*;
use swforce_import::read_ees_csv;

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_are_read_or_refused_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let _ = read_ees_csv("random.csv", bytes.as_slice());
    }

    #[test]
    fn a_damaged_cell_is_refused_at_its_line_and_column(
        line in 2usize..=7, column in 11usize..=32, junk in "[a-wyA-Z#?!]{1,6}"
    ) {
        let text = String::from_utf8(fixture("csww_headline_2022_to_2023_new_names.csv")).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let mut fields: Vec<String> = lines[line - 1].split(',').map(str::to_string).collect();
        fields[column - 1] = junk.clone();
        lines[line - 1] = fields.join(",");
        let refused = read_ees_csv("damaged.csv", lines.join("\n").as_bytes());
        // A few words are EES symbols (c, u, low): those are valid cells.
        if ["c", "u", "low"].contains(&junk.as_str()) {
            prop_assert!(refused.is_ok());
        } else {
            let r = refused.unwrap_err();
            let d = r.errors().next().unwrap();
            prop_assert_eq!(d.line, Some(line as u64));
            prop_assert_eq!(d.column, Some(column as u64));
        }
    }
}
