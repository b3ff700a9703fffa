//! Finds the line of a dotted key path in a TOML text, so that a mistake found
//! after deserialisation (a bad time range, an unknown step) still points at
//! the line an operator has to edit.

use toml_edit::{ImDocument, Item, Table, Value};

/// The 1-based line of `path` (`["schedule", "hours", "mon"]`, array indices
/// as numbers) in `text`; the deepest part of the path that exists when the
/// full path does not (a missing key is reported at its table).
pub fn line_of(text: &str, path: &[&str]) -> Option<usize> {
    let doc = ImDocument::parse(text).ok()?;
    let mut best = None;
    if let Some(table) = doc.as_item().as_table() {
        walk_table(table, path, &mut best);
    }
    best.map(|offset| line_at(text, offset))
}

fn note(best: &mut Option<usize>, span: Option<std::ops::Range<usize>>) {
    if let Some(r) = span {
        *best = Some(r.start);
    }
}

fn walk_table(table: &Table, path: &[&str], best: &mut Option<usize>) {
    let Some((key, rest)) = path.split_first() else {
        return;
    };
    let Some(child) = table.get(key) else { return };
    note(best, child.span());
    note(best, table.key(key).and_then(|k| k.span()));
    match child {
        Item::Table(t) => walk_table(t, rest, best),
        Item::ArrayOfTables(a) => {
            if let Some((index, rest)) = rest.split_first() {
                if let Some(t) = index.parse::<usize>().ok().and_then(|i| a.get(i)) {
                    note(best, t.span());
                    walk_table(t, rest, best);
                }
            }
        }
        Item::Value(v) => walk_value(v, rest, best),
        Item::None => {}
    }
}

/// Walks into inline tables and arrays (`hours = { mon = "…" }`, `closed = [ … ]`).
fn walk_value(value: &Value, path: &[&str], best: &mut Option<usize>) {
    let Some((key, rest)) = path.split_first() else {
        return;
    };
    match value {
        Value::InlineTable(t) => {
            if let Some(child) = t.get(key) {
                note(best, child.span());
                note(best, t.key(key).and_then(|k| k.span()));
                walk_value(child, rest, best);
            }
        }
        Value::Array(a) => {
            if let Some(child) = key.parse::<usize>().ok().and_then(|i| a.get(i)) {
                note(best, child.span());
                walk_value(child, rest, best);
            }
        }
        _ => {}
    }
}

fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::line_of;

    const TEXT: &str = "[hotline]\nname = \"x\"\n\n[schedule]\nhours = { mon = \"09:00-16:00\", tue = \"bad\" }\nclosed = [\n  \"2026-12-24\",\n  \"nope\",\n]\n";

    #[test]
    fn finds_plain_inline_and_array_entries() {
        assert_eq!(line_of(TEXT, &["hotline", "name"]), Some(2));
        assert_eq!(line_of(TEXT, &["schedule", "hours", "mon"]), Some(5));
        assert_eq!(line_of(TEXT, &["schedule", "hours", "tue"]), Some(5));
        assert_eq!(line_of(TEXT, &["schedule", "closed", "1"]), Some(8));
    }

    #[test]
    fn missing_key_points_at_its_table() {
        assert_eq!(line_of(TEXT, &["hotline", "email"]), Some(1));
        assert_eq!(line_of(TEXT, &["hotline"]), Some(1));
        assert_eq!(line_of("not toml [", &["a"]), None);
    }
}
