//! The config and call-flow loaders on arbitrary files and on the real ones
//! with a line replaced by something random: an error that names the file,
//! never a panic.

use std::path::Path;

use proptest::prelude::*;

fn committed(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// `text` with line `at` replaced by `with` (or `with` inserted there).
fn mutate(text: &str, at: prop::sample::Index, with: &str, insert: bool) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let i = at.index(lines.len());
    if insert {
        lines.insert(i, with);
    } else {
        lines[i] = with;
    }
    lines.join("\n")
}

fn noise() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,60}",
        prop::string::string_regex(
            r#"[a-z_]{1,12} = ("[^"\n]{0,20}"|[0-9-]{1,6}|\[[^\]\n]{0,20}\]|true|\{[^}\n]{0,20}\})"#
        )
        .unwrap(),
        prop::string::string_regex(r"\[\[?[a-z_.]{1,16}\]\]?").unwrap(),
    ]
}

proptest! {
    #![proptest_config(crate::config(500))]

    #[test]
    fn the_config_loader_never_panics(
        bytes in prop::collection::vec(any::<u8>(), 0..300),
        at in any::<prop::sample::Index>(),
        with in noise(),
        insert in any::<bool>(),
        arbitrary in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let flows = dir.path().join("call-flows");
        std::fs::create_dir_all(&flows).unwrap();
        std::fs::write(flows.join("starke-stelle.toml"), committed("call-flows/starke-stelle.toml")).unwrap();
        let conf = dir.path().join("config");
        std::fs::create_dir_all(conf.join("email")).unwrap();
        let file = conf.join("lotse.toml");
        let text = match arbitrary {
            true => bytes,
            false => mutate(&committed("config/lotse.toml"), at, &with, insert).into_bytes(),
        };
        std::fs::write(&file, text).unwrap();
        if let Err(errors) = lotse::config::load(Some(&file)) {
            prop_assert!(errors.to_string().contains("lotse.toml"), "{errors}");
        }
    }

    #[test]
    fn the_flow_loader_never_panics(
        text in ".{0,300}",
        at in any::<prop::sample::Index>(),
        with in noise(),
        insert in any::<bool>(),
        arbitrary in any::<bool>(),
    ) {
        let text = match arbitrary {
            true => text,
            false => mutate(&committed("call-flows/starke-stelle.toml"), at, &with, insert),
        };
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("flow.toml");
        std::fs::write(&file, text).unwrap();
        if let Err(errors) = lotse::flow::load(&lotse::flow::FlowSource::File(file), None) {
            prop_assert!(!errors.is_empty());
            prop_assert!(errors.iter().all(|e| e.to_string().contains("flow.toml")), "{errors:?}");
        }
    }
}
