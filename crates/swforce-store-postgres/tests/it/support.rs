//! The test databases, from the crate's `testing` module.

pub use swforce_store_postgres::testing::*;

#[test]
fn database_names_are_swapped_in_either_form_of_url() {
    assert_eq!(
        with_dbname("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_dbname("postgresql://u:p@h/db?sslmode=disable", "x"),
        "postgresql://u:p@h/x?sslmode=disable"
    );
    assert_eq!(with_dbname("postgres://h", "x"), "postgres://h/x");
    assert_eq!(
        with_dbname("host=/run/postgresql user=postgres", "x"),
        "host=/run/postgresql user=postgres dbname=x"
    );
}
