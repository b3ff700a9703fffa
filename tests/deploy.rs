//! The files under `deploy/` pass the tools that will run them: the systemd
//! unit (`systemd-analyze verify`, and `systemd-analyze security` with an
//! exposure of at most 2.0), the Caddy example (`caddy validate`) and the
//! nginx example (`nginx -t`). The tools are Debian packages that
//! `scripts/test` installs; a missing tool fails the test, never skips it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn deploy(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deploy")
        .join(file)
}

fn run(cmd: &mut Command, tool: &str) -> Output {
    cmd.output().unwrap_or_else(|e| {
        panic!("cannot run {tool} ({e}): scripts/test installs it (apt-get install {tool})")
    })
}

fn all(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The unit as installed, with `ExecStart` pointing at the binary this
/// test built (verify insists that the program exists).
fn unit_in(dir: &Path) -> PathBuf {
    let unit = std::fs::read_to_string(deploy("lotse.service")).unwrap();
    assert!(unit.contains("ExecStart=/usr/local/bin/lotse serve"));
    let unit = unit.replace("/usr/local/bin/lotse", env!("CARGO_BIN_EXE_lotse"));
    let path = dir.join("lotse.service");
    std::fs::write(&path, unit).unwrap();
    path
}

#[test]
fn systemd_unit_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let unit = unit_in(dir.path());
    let out = run(
        Command::new("systemd-analyze").arg("verify").arg(&unit),
        "systemd",
    );
    let text = all(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        !text.contains("lotse.service"),
        "verify complains about the unit:\n{text}"
    );
}

#[test]
fn systemd_unit_exposure_is_at_most_2() {
    let out = run(
        Command::new("systemd-analyze")
            .args(["security", "--offline=yes", "--no-pager"])
            .arg(deploy("lotse.service")),
        "systemd",
    );
    let text = all(&out);
    assert!(out.status.success(), "{text}");
    let level: f64 = text
        .lines()
        .find_map(|l| l.split("Overall exposure level for lotse.service:").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no exposure level in:\n{text}"));
    assert!(level <= 2.0, "exposure {level} > 2.0:\n{text}");
}

#[test]
fn caddyfile_validates() {
    let home = tempfile::tempdir().unwrap();
    let out = run(
        Command::new("caddy")
            .args(["validate", "--adapter", "caddyfile", "--config"])
            .arg(deploy("Caddyfile"))
            // Caddy keeps certificates under $HOME; validating stores none.
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path()),
        "caddy",
    );
    let text = all(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Valid configuration"), "{text}");
    // `caddy fmt` would rewrite nothing: the example is laid out as Caddy does.
    assert!(
        !text.contains("not formatted"),
        "run caddy fmt --overwrite deploy/Caddyfile:\n{text}"
    );
}

#[test]
fn nginx_example_passes_nginx_t() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A throwaway certificate where certbot's would be.
    let (cert, key) = (d.join("fullchain.pem"), d.join("privkey.pem"));
    let out = run(
        Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            ])
            .args(["-subj", "/CN=hotline.example.org", "-keyout"])
            .arg(&key)
            .arg("-out")
            .arg(&cert),
        "openssl",
    );
    assert!(out.status.success(), "{}", all(&out));
    let site = std::fs::read_to_string(deploy("nginx.conf"))
        .unwrap()
        .replace(
            "/etc/letsencrypt/live/hotline.example.org/fullchain.pem",
            cert.to_str().unwrap(),
        )
        .replace(
            "/etc/letsencrypt/live/hotline.example.org/privkey.pem",
            key.to_str().unwrap(),
        );
    assert!(
        !site.contains("/etc/letsencrypt"),
        "certificate paths moved?"
    );
    std::fs::write(d.join("lotse.conf"), site).unwrap();
    // The parts of Debian's /etc/nginx/nginx.conf that conf.d/ files rely
    // on, with every path in the temporary directory.
    let p = d.display();
    let main = format!(
        "pid {p}/nginx.pid;\nerror_log {p}/error.log;\nevents {{}}\nhttp {{\n\
         client_body_temp_path {p}/body;\nproxy_temp_path {p}/proxy;\n\
         fastcgi_temp_path {p}/fastcgi;\nuwsgi_temp_path {p}/uwsgi;\n\
         scgi_temp_path {p}/scgi;\naccess_log {p}/access.log;\n\
         include {p}/lotse.conf;\n}}\n"
    );
    std::fs::write(d.join("nginx.conf"), main).unwrap();
    let out = run(
        Command::new("nginx")
            .arg("-t")
            .arg("-p")
            .arg(d)
            .arg("-e")
            .arg(d.join("error.log"))
            .arg("-c")
            .arg(d.join("nginx.conf")),
        "nginx",
    );
    let text = all(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("test is successful"), "{text}");
    assert!(!text.contains("[warn]"), "{text}");
}

/// README "Deploy", step 1: the committed config, email template and flow
/// copied into one directory (as `/etc/lotse`), with the flow path made
/// relative to it by the README's `sed`; plus the unit's own `Environment=`
/// lines. `lotse check` accepts the result.
#[test]
fn the_readme_install_steps_give_a_config_that_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let etc = tempfile::tempdir().unwrap();
    let copy = |from: &str| {
        let out = Command::new("cp")
            .arg("-r")
            .arg(root.join(from))
            .arg(etc.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", all(&out));
    };
    copy("config/lotse.toml");
    copy("config/email");
    copy("call-flows");
    let config = etc.path().join("lotse.toml");
    let out = Command::new("sed")
        .args(["-i", r#"s#"\.\./call-flows/#"call-flows/#"#])
        .arg(&config)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all(&out));
    assert!(std::fs::read_to_string(&config)
        .unwrap()
        .contains("path = \"call-flows/starke-stelle.toml\""));

    let unit = std::fs::read_to_string(deploy("lotse.service")).unwrap();
    let env: Vec<(&str, &str)> = unit
        .lines()
        .filter_map(|l| l.strip_prefix("Environment="))
        .filter_map(|kv| kv.split_once('='))
        .collect();
    assert!(!env.is_empty());
    let mut check = Command::new(env!("CARGO_BIN_EXE_lotse"));
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("LOTSE_")) {
        check.env_remove(name);
    }
    let out = check
        .args(["check", "--config"])
        .arg(&config)
        .envs(env)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all(&out));
}
