//! The `python3` that runs the independent test peers (twilio, holidays,
//! aiosmtpd): the virtual environment `scripts/test` sets up in
//! `target/test-venv` when it exists, else whatever `python3` is on PATH
//! (a developer's own environment). Debian's python3 refuses `pip install`
//! into the system (PEP 668), hence the venv.

use std::path::Path;
use std::process::Command;

pub fn python3() -> Command {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-venv/bin/python3");
    if venv.exists() {
        Command::new(venv)
    } else {
        Command::new("python3")
    }
}
