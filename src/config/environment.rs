//! Which environment variables are configuration, and naming them in
//! errors. Every variable that starts with `LOTSE_` (in capitals; a shell's
//! `lotse_home` is not) sets `<SECTION>__<KEY>` over the file, except
//! `LOTSE_CONFIG` itself (the file's path, read by the command line). A name
//! that cannot be a key is refused rather than passed over in silence, as
//! figment would: `LOTSE_REDIS____URL` would otherwise run without Redis.

use std::collections::BTreeMap;

use figment::providers::Env;

use super::error::ConfigError;

pub const PREFIX: &str = "LOTSE_";
/// The one `LOTSE_` variable that is not a key (`--config`'s variable).
const CONFIG_PATH: &str = "CONFIG";

/// `LOTSE_<SECTION>__<KEY>` overrides, as figment reads them. The prefix
/// is matched exactly (figment's own `prefixed` ignores case).
pub fn environment() -> Env {
    Env::raw()
        .filter_map(|key| {
            key.as_str()
                .strip_prefix(PREFIX)
                .filter(|rest| *rest != CONFIG_PATH)
                .map(|rest| rest.to_owned().into())
        })
        .split("__")
}

fn names() -> impl Iterator<Item = (String, String)> {
    std::env::vars_os()
        .filter_map(|(name, _)| name.into_string().ok())
        .filter_map(|name| {
            let rest = name.strip_prefix(PREFIX)?.to_owned();
            (rest != CONFIG_PATH).then_some((name, rest))
        })
}

/// Mistakes in the names themselves, which figment would skip or merge
/// without a word: an empty part (`LOTSE_SERVER____LISTEN`, `LOTSE_`), a
/// dot (figment's other separator: `LOTSE_REDIS..URL` would be dropped) or
/// a blank (figment trims it), and one key set twice in two spellings (the
/// later would win, and a bad value in the other go unreported).
pub fn misnamed() -> Vec<ConfigError> {
    let mut errors = Vec::new();
    let mut keys: BTreeMap<String, String> = BTreeMap::new();
    for (name, rest) in names() {
        // figment splits at `.` too, and trims blanks: only letters,
        // digits and `_` leave no doubt which key a name sets.
        let problem = if !rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            Some("a character other than A-Z, 0-9 and _ in its name")
        } else if rest.split("__").any(str::is_empty) {
            Some("an empty part in its name")
        } else {
            None
        };
        if let Some(problem) = problem {
            errors.push(ConfigError::new(
                format!("environment variable {name:?}"),
                None,
                "",
                format!("{problem}; a setting is named LOTSE_<SECTION>__<KEY>, e.g. LOTSE_SERVER__LISTEN"),
            ));
            continue;
        }
        if let Some(other) = keys.insert(rest.to_lowercase(), name.clone()) {
            let (first, second) = if other < name {
                (other, name)
            } else {
                (name, other)
            };
            errors.push(ConfigError::new(
                format!("environment variable {second}"),
                None,
                "",
                format!("sets the same key as {first}; keep one"),
            ));
        }
    }
    errors
}

/// The variable that set the config key `field` (`server.listen`), or a
/// key under it or above it, as the operator spelled it.
pub fn variable_for(field: &str) -> Option<String> {
    let field = field.to_lowercase();
    names()
        .find(|(_, rest)| {
            let key = rest.to_lowercase().replace("__", ".");
            let under = |a: &str, b: &str| a.strip_prefix(b).is_some_and(|r| r.starts_with('.'));
            key == field || under(&field, &key) || under(&key, &field)
        })
        .map(|(name, _)| name)
}

/// A value that came from the environment is found wrong only after the
/// layers are merged: name the variable, not the file line the variable
/// replaced (`LOTSE_SERVER__LISTEN`, never `built-in defaults:21`).
pub fn from_environment(errors: Vec<ConfigError>) -> Vec<ConfigError> {
    errors
        .into_iter()
        .map(|mut e| {
            if let Some(var) = variable_for(&e.field) {
                e.file = format!("environment variable {var}");
                e.line = None;
            }
            e
        })
        .collect()
}
