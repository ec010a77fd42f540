use crate::support::fresh;

swforce_store::conformance_tests!(optional fresh());
