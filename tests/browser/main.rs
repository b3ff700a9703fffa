//! The counsellor page in a real browser (issue 6): Debian's `chromium`,
//! driven by `playwright-core` from `run.mjs`, against `lotse` on a real
//! `redis-server`. Part of `cargo test`; fails loudly, never skips, when
//! chromium or the npm packages are missing (`scripts/test` installs both).

mod block;
mod calls;
#[path = "../support/captured_logs.rs"]
mod captured_logs;
mod control;
#[path = "../support/privacy_scan.rs"]
mod privacy_scan;
#[path = "../support/redis_server.rs"]
mod redis_server;
mod world;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use world::{World, ANNA, BEN, OPERATOR, TTL_S};

const CHROMIUM: &str = "/usr/bin/chromium";

/// One chromium at a time: two at once on a small machine make the
/// "within two seconds" checks flaky.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn preflight() {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: apt-get install chromium (scripts/test does)"
    );
    assert!(
        browser_dir().join("node_modules/playwright-core").exists(),
        "playwright-core is missing: npm ci --prefix tests/browser (scripts/test does)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counsellor_page_in_chromium() {
    let _one = ONE_BROWSER.lock().await;
    preflight();
    let world = Arc::new(World::start().await);
    // Ben's presence by phone is locked after wrong PINs: the operator sees it.
    let app = world.app();
    let ben = &app.settings.counsellors[1];
    lotse::connect::pin_limits::lock(&app.kv, ben, lotse::clock::Clock::now(&*world.clock))
        .await
        .expect("lock");
    let lotse = format!("http://{}", world.addr);
    let control = format!("http://{}", control::serve(world.clone()).await);
    run_script("run.mjs", &lotse, &control).await;
}

/// Runs a browser script against `lotse` and its `control` server; fails
/// with the script's output unless it ends with "all browser tests passed".
pub async fn run_script(script: &str, lotse: &str, control: &str) -> String {
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/artifacts");
    std::fs::create_dir_all(&artifacts).expect("tests/artifacts");

    let run = tokio::process::Command::new("node")
        .arg(script)
        .current_dir(browser_dir())
        .env("LOTSE_URL", lotse)
        .env("CONTROL_URL", control)
        .env("CHROMIUM", CHROMIUM)
        .env("ARTIFACTS", &artifacts)
        .env("TTL_S", TTL_S.to_string())
        // Tokens reach the script through its environment, never a URL.
        .env("ANNA_TOKEN", ANNA)
        .env("BEN_TOKEN", BEN)
        .env("OPERATOR_TOKEN", OPERATOR)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(180), run)
        .await
        .expect("browser tests took over 3 minutes")
        .expect("cannot run node: install nodejs (scripts/test does)");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "browser tests failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(stdout.contains("all browser tests passed"), "{stdout}");
    stdout
}
