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
}
