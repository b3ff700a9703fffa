//! Reads the configuration: built-in defaults or one file, then
//! `LOTSE_<SECTION>__<KEY>` from the environment on top (figment does the
//! layering), then validation into [`Settings`].

use std::path::{Path, PathBuf};

use figment::error::Kind;
use figment::providers::{Format, Toml};
use figment::Figment;

use super::environment::{self, environment, from_environment, variable_for, PREFIX};
use super::error::{ConfigError, ConfigErrors};
use super::file::ConfigFile;
use super::locate::line_of;
use super::settings::Settings;

/// The built-in defaults: exactly `config/lotse.toml`, so that `lotse serve`
/// without a file and with the committed file behave the same.
pub const BUILT_IN: &str = include_str!("../../config/lotse.toml");

/// Where the configuration came from. Relative paths inside a file are
/// resolved against its directory; the built-in defaults use the built-in
/// call flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    BuiltIn,
    File(PathBuf),
}

impl Source {
    pub fn name(&self) -> String {
        match self {
            Source::BuiltIn => "built-in defaults".into(),
            Source::File(p) => p.display().to_string(),
        }
    }
}

/// Loads and validates everything `lotse` needs to serve, or every mistake
/// found, each with file, line and field.
pub fn load(path: Option<&Path>) -> Result<Settings, ConfigErrors> {
    let source = path.map_or(Source::BuiltIn, |p| Source::File(p.to_owned()));
    let text = match path {
        None => BUILT_IN.to_owned(),
        Some(p) => std::fs::read_to_string(p).map_err(|e| {
            one(ConfigError::new(
                source.name(),
                None,
                "",
                format!("cannot read the file: {e}"),
            ))
        })?,
    };
    let misnamed = environment::misnamed();
    if !misnamed.is_empty() {
        return Err(ConfigErrors(misnamed));
    }
    let file = parse(&text, &source).map_err(ConfigErrors)?;
    Settings::build(file, &text, &source).map_err(|e| ConfigErrors(from_environment(e.0)))
}

fn one(e: ConfigError) -> ConfigErrors {
    ConfigErrors(vec![e])
}

/// Syntax first (with toml's own span), then types and unknown keys through
/// figment, which also merges the environment.
fn parse(text: &str, source: &Source) -> Result<ConfigFile, Vec<ConfigError>> {
    if let Err(e) = text.parse::<toml::Table>() {
        let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
        return Err(vec![ConfigError::new(
            source.name(),
            line,
            "",
            format!("not valid TOML: {}", e.message()),
        )]);
    }
    Figment::from(Toml::string(text))
        .merge(environment())
        .extract::<ConfigFile>()
        .map_err(|errors| {
            errors
                .into_iter()
                .map(|e| locate(e, text, source))
                .collect()
        })
}

fn locate(e: figment::Error, text: &str, source: &Source) -> ConfigError {
    let mut path = e.path.clone();
    let message = match &e.kind {
        Kind::UnknownField(field, expected) => {
            push_once(&mut path, field);
            format!("unknown key; expected one of: {}", expected.join(", "))
        }
        Kind::MissingField(field) => {
            push_once(&mut path, field);
            "missing".to_owned()
        }
        other => other.to_string(),
    };
    let field = path.join(".");
    let from_env = e
        .metadata
        .as_ref()
        .is_some_and(|m| m.name.contains("environment"));
    if from_env {
        let var = variable_for(&field)
            .unwrap_or_else(|| format!("{PREFIX}{}", path.join("__").to_uppercase()));
        return ConfigError::new(format!("environment variable {var}"), None, field, message);
    }
    let keys: Vec<&str> = path.iter().map(String::as_str).collect();
    ConfigError::new(source.name(), line_of(text, &keys), field, message)
}

/// figment sometimes includes the offending key in the path, sometimes not.
fn push_once(path: &mut Vec<String>, key: &str) {
    if path.last().map(String::as_str) != Some(key) {
        path.push(key.to_owned());
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail's closures return figment's own Result
mod tests {
    use super::*;

    fn errors_of(text: &str) -> Vec<ConfigError> {
        parse(text, &Source::File("x.toml".into())).unwrap_err()
    }

    #[test]
    fn built_in_defaults_parse() {
        figment::Jail::expect_with(|_| {
            parse(BUILT_IN, &Source::BuiltIn).expect("built-in defaults must parse");
            Ok(())
        });
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let text = BUILT_IN.replace("[server]\n", "[server]\nlisten_port = 1\n");
        figment::Jail::expect_with(|_| {
            let errs = errors_of(&text);
            assert_eq!(errs.len(), 1, "{errs:?}");
            assert_eq!(errs[0].field, "server.listen_port");
            let line = text
                .lines()
                .position(|l| l.starts_with("listen_port"))
                .unwrap()
                + 1;
            assert_eq!(errs[0].line, Some(line));
            Ok(())
        });
    }

    #[test]
    fn syntax_error_has_a_line() {
        let errs = errors_of("[hotline]\nname = \"x\nnumber = 1\n");
        assert_eq!(errs[0].line, Some(2), "{errs:?}");
    }

    #[test]
    fn environment_overrides_the_file_and_numbers_stay_text() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("LOTSE_TWILIO__AUTH_TOKEN", "12345");
            jail.set_env("LOTSE_SERVER__LISTEN", "0.0.0.0:9999");
            let file = parse(BUILT_IN, &Source::BuiltIn).unwrap();
            assert_eq!(file.server.listen, "0.0.0.0:9999");
            use secrecy::ExposeSecret;
            assert_eq!(file.twilio.auth_token.unwrap().expose_secret(), "12345");
            Ok(())
        });
    }

    #[test]
    fn only_an_upper_case_prefix_is_configuration() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("lotse_home", "/opt/lotse");
            jail.set_env("Lotse_Dir", "/opt");
            load(None).expect("not LOTSE_ names: ignored");
            jail.set_env("LOTSE_HOME", "/opt/lotse");
            let errs = load(None).unwrap_err().0;
            assert_eq!(errs[0].file, "environment variable LOTSE_HOME", "{errs:?}");
            Ok(())
        });
    }

    #[test]
    fn a_typo_in_a_section_names_the_whole_variable() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("LOTSE_SERVR__LISTEN", "1");
            let errs = load(None).unwrap_err().0;
            assert_eq!(errs.len(), 1, "{errs:?}");
            assert_eq!(errs[0].file, "environment variable LOTSE_SERVR__LISTEN");
            assert_eq!(errs[0].field, "servr");
            Ok(())
        });
    }

    #[test]
    fn a_config_path_in_another_spelling_is_an_error_not_ignored() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("LOTSE_config", "/etc/lotse.toml");
            let errs = load(None).unwrap_err().0;
            assert_eq!(
                errs[0].file, "environment variable LOTSE_config",
                "{errs:?}"
            );
            Ok(())
        });
    }

    #[test]
    fn names_figment_would_pass_over_are_errors() {
        for name in [
            "LOTSE_SERVER____LISTEN",
            "LOTSE_SERVER__",
            "LOTSE_",
            "LOTSE___",
            "LOTSE_SERVER__LISTEN ",
            "LOTSE_SERVER.LISTEN",
            "LOTSE_REDIS..URL",
            "LOTSE_.",
        ] {
            figment::Jail::expect_with(|jail| {
                jail.set_env(name, "127.0.0.1:1");
                let errs = load(None).unwrap_err().0;
                assert_eq!(errs.len(), 1, "{name:?}: {errs:?}");
                assert!(errs[0].file.contains(name.trim()), "{name:?}: {errs:?}");
                Ok(())
            });
        }
    }

    #[test]
    fn one_key_in_two_spellings_is_an_error() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("LOTSE_SERVER__LISTEN", "garbage");
            jail.set_env("LOTSE_server__listen", "127.0.0.1:1");
            let errs = load(None).unwrap_err().0;
            assert_eq!(errs.len(), 1, "{errs:?}");
            assert!(errs[0].message.contains("same key"), "{errs:?}");
            Ok(())
        });
    }

    #[test]
    fn a_bad_value_from_the_environment_names_the_variable() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("LOTSE_SERVER__LISTEN", "not-an-address");
            let errs = load(None).unwrap_err().0;
            assert_eq!(errs.len(), 1, "{errs:?}");
            assert_eq!(
                errs[0].to_string(),
                "environment variable LOTSE_SERVER__LISTEN: server.listen: \
                 not an address like 127.0.0.1:8080"
            );
            Ok(())
        });
    }

    #[test]
    fn without_a_flow_section_a_file_uses_the_built_in_flow() {
        figment::Jail::expect_with(|jail| {
            let start = BUILT_IN.find("[flow]").unwrap();
            let end = start + BUILT_IN[start..].find("\n\n").unwrap();
            let text = format!("{}{}", &BUILT_IN[..start], &BUILT_IN[end..])
                .replace("template = \"email/voicemail.txt\"", "");
            assert!(!text.contains("[flow]"));
            jail.create_file("lotse.toml", &text)?;
            let settings = load(Some(Path::new("lotse.toml"))).expect("loads");
            assert_eq!(settings.flow.start, "entry");
            assert!(settings.audio_dir.is_none());
            Ok(())
        });
    }

    #[test]
    fn unknown_environment_key_names_the_variable() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("LOTSE_SERVER__PORT", "1");
            let errs = parse(BUILT_IN, &Source::BuiltIn).unwrap_err();
            assert!(errs[0].file.contains("LOTSE_SERVER__PORT"), "{errs:?}");
            Ok(())
        });
    }
}
