//! Provider adapters (Twilio, sipgate.io): parse a provider's webhook into a [`crate::call::CallEvent`],
//! check its authenticity, and render [`crate::flow::Action`]s as its markup.
//! Pure: no adapter touches the network or the store.

pub mod sipgate;
pub mod twilio;

/// Appends the position a callback URL carries (step, language, and the
/// call's progress where it has any) to a query; every provider's links
/// spell it the same way.
pub fn append_position(q: &mut form_urlencoded::Serializer<'_, String>, at: &crate::flow::Resume) {
    q.append_pair("step", &at.step)
        .append_pair("lang", &at.lang);
    let p = &at.progress;
    if let Some(since) = p.since {
        q.append_pair("since", &since.to_string());
    }
    if p.told > 0 {
        q.append_pair("told", &p.told.to_string());
    }
    if p.rung > 0 {
        q.append_pair("rung", &p.rung.to_string());
    }
    if p.company > 0 {
        q.append_pair("heard", &p.company.to_string());
    }
}

/// Reads one progress field of a callback query as [`append_position`]
/// wrote it; `false` for a key that is not one. Malformed values count as
/// absent (the link was signed, so they can only come from an older lotse).
pub fn read_progress(p: &mut crate::flow::Progress, key: &str, value: &str) -> bool {
    match key {
        "since" => p.since = value.parse().ok(),
        "told" => p.told = value.parse().unwrap_or(0),
        "rung" => p.rung = value.parse().unwrap_or(0),
        "heard" => p.company = value.parse().unwrap_or(0),
        _ => return false,
    }
    true
}
