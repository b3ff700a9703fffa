//! Fuzz targets for every parser that takes outside input, as property
//! tests over arbitrary (and arbitrarily mutated) input, each run for a
//! bounded number of cases in `cargo test`. `cargo fuzz` would need a
//! nightly toolchain in CI; these run on stable with the rest of the suite
//! (`PROPTEST_CASES` raises the count for a longer local run).
//!
//! - `parsers`: webhook form bodies, callback query strings, the signature check.
//! - `http`: signed webhooks with random forms and callback URLs, API JSON and
//!   session cookies, through the real router on an in-memory store.
//! - `loaders`: the config and call-flow loaders on arbitrary and mutated files.
//! - `storm`: 60 s of random requests at the running binary (with a store
//!   outage). It lives in this binary so that it runs alongside the other
//!   targets instead of adding a minute to the suite on its own.

#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "../support/lotse_binary.rs"]
mod lotse_binary;
#[allow(dead_code)]
#[path = "../support/redis_server.rs"]
mod redis_server;
#[path = "../support/rng.rs"]
mod rng;

mod http;
mod loaders;
mod parsers;
mod storm;
mod storm_requests;

use proptest::prelude::ProptestConfig;

/// `cases` per target, unless `PROPTEST_CASES` asks for more; never a
/// failure-persistence file in the source tree.
pub fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters: 512,
        ..ProptestConfig::default()
    }
}
