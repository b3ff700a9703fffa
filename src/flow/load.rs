//! Reads a call-flow file and checks it, reporting mistakes with file, line
//! and field like the configuration does.

use std::path::{Path, PathBuf};

use super::check::check;
use super::file::Flow;
use crate::config::{line_of, ConfigError};

/// The default flow, compiled in so `lotse serve` runs without any files.
pub const BUILT_IN: &str = include_str!("../../call-flows/starke-stelle.toml");

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowSource {
    BuiltIn,
    File(PathBuf),
}

pub fn load(source: &FlowSource, audio_dir: Option<&Path>) -> Result<Flow, Vec<ConfigError>> {
    let (name, text) = match source {
        FlowSource::BuiltIn => ("built-in call flow".to_owned(), BUILT_IN.to_owned()),
        FlowSource::File(path) => {
            let name = path.display().to_string();
            match std::fs::read_to_string(path) {
                Ok(text) => (name, text),
                Err(e) => {
                    return Err(vec![ConfigError::new(
                        name,
                        None,
                        "",
                        format!("cannot read the call flow: {e}"),
                    )])
                }
            }
        }
    };
    parse(&name, &text, audio_dir)
}

pub fn parse(name: &str, text: &str, audio_dir: Option<&Path>) -> Result<Flow, Vec<ConfigError>> {
    let flow: Flow = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
        vec![ConfigError::new(name, line, "", e.message().to_owned())]
    })?;
    let findings = check(&flow, audio_dir);
    if findings.is_empty() {
        return Ok(flow);
    }
    Err(findings
        .into_iter()
        .map(|f| {
            let path: Vec<&str> = f.path.iter().map(String::as_str).collect();
            ConfigError::new(name, line_of(text, &path), f.path.join("."), f.message)
        })
        .collect())
}
