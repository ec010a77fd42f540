//! Signing in: the cost of the argon2id password hash (19 MiB, 2 passes, 1 lane) and a whole
//! sign-in on SQLite (look up, verify, open a session, write the audit line). The hash is the
//! deliberate part of the cost: it slows anyone guessing passwords from a stolen database.

use criterion::{Criterion, criterion_group, criterion_main};
use std::sync::Arc;
use swforce_app::App;
use swforce_app::access::{Origin, hash_password, verify_password};
use swforce_store::TokenKind;
use swforce_store_sqlite::SqliteStore;

const PASSWORD: &str = "kettle-river-orange";

fn sign_in(c: &mut Criterion) {
    let mut group = c.benchmark_group("sign-in");
    group.sample_size(30);
    group.bench_function("argon2id hash of a new password", |b| {
        b.iter(|| hash_password(PASSWORD))
    });
    let hash = hash_password(PASSWORD);
    group.bench_function("argon2id check of a password", |b| {
        b.iter(|| assert!(verify_password(PASSWORD, &hash)))
    });

    let dir = tempfile::tempdir().expect("a temporary folder");
    let app = App::new(Arc::new(
        SqliteStore::open_in_dir(dir.path()).expect("a store"),
    ));
    let (_, secret) = app
        .create_site_admin("admin@swforce.test", "Ada Admin", "swforce administrators")
        .expect("an admin");
    let origin = Origin {
        ip: "127.0.0.1".into(),
    };
    app.set_password_with(TokenKind::Invitation, &secret, PASSWORD, PASSWORD, &origin)
        .expect("a password");
    group.bench_function("sign in with email and password (SQLite)", |b| {
        b.iter(|| {
            app.sign_in("admin@swforce.test", PASSWORD, &origin)
                .expect("signs in")
        })
    });
    group.finish();
}

criterion_group!(benches, sign_in);
criterion_main!(benches);
