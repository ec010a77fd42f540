//! Use cases over a real SQLite store in a temporary directory, with the shipped data.

mod access;
mod census_situations;
mod demo;
mod diary;
mod healthcheck;
mod joint;
mod neighbours;
mod new_generation;
mod places;
mod projection;
mod quality;
mod snapshot;

use std::sync::Arc;
use swforce_app::App;
use swforce_store_sqlite::SqliteStore;

#[derive(Debug)]
pub struct TestApp {
    pub app: App,
    pub _dir: tempfile::TempDir,
}

pub fn empty_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_in_dir(dir.path()).unwrap();
    TestApp {
        app: App::new(Arc::new(store)),
        _dir: dir,
    }
}

pub fn demo_app() -> TestApp {
    let t = empty_app();
    t.app.load_demo().unwrap();
    t
}
