use crate::published;
use swforce_domain::{Dataset, GeographicLevel};
use swforce_import::read_ees_csv;

#[test]
fn every_shipped_file_reads_without_errors_or_warnings() {
    for (name, dataset, rows) in [
        (
            "csww_headline_measures_2017_to_2022.csv",
            Dataset::CswwHeadline,
            978,
        ),
        (
            "csww_role_by_ethnicity_2019_to_2022.csv",
            Dataset::CswwRoleByEthnicity,
            4578,
        ),
        (
            "children_in_need_2013_to_2022.csv",
            Dataset::ChildrenInNeed,
            1638,
        ),
        ("referrals_2013_to_2022.csv", Dataset::Referrals, 1638),
    ] {
        let f = read_ees_csv(name, published(name).as_slice())
            .unwrap_or_else(|r| panic!("{r}\n{:#?}", r.diagnostics));
        assert_eq!(f.dataset, dataset, "{name}");
        assert_eq!(f.rows.len(), rows, "{name}");
        assert!(f.warnings.is_empty(), "{name}: {:#?}", f.warnings);
    }
}

#[test]
fn the_headline_file_names_england_eleven_regions_and_every_authority() {
    let name = "csww_headline_measures_2017_to_2022.csv";
    let f = read_ees_csv(name, published(name).as_slice()).unwrap();
    let count = |l| f.geographies.iter().filter(|g| g.level == l).count();
    assert_eq!(count(GeographicLevel::National), 1);
    assert_eq!(
        count(GeographicLevel::Regional),
        11,
        "nine regions plus Inner and Outer London"
    );
    assert!(
        count(GeographicLevel::LocalAuthority) >= 155,
        "current and former authorities"
    );
    let camden = f.geographies.iter().find(|g| g.name == "Camden").unwrap();
    assert_eq!(camden.parent.as_ref().unwrap().as_str(), "E13000001");
    let inner = f
        .geographies
        .iter()
        .find(|g| g.code.as_str() == "E13000001")
        .unwrap();
    assert_eq!(inner.parent.as_ref().unwrap().as_str(), "E12000007");
}
