//! Recordings a flow can play. A flow file's recordings live in
//! `call-flows/audio/` beside it; the built-in flow's are compiled in, so
//! `lotse serve` without any files still has its hold music.

use std::path::Path;

/// The built-in flow's recordings (see `scripts/make-hold-music.py`).
pub const BUILT_IN_AUDIO: &[(&str, &[u8])] = &[(
    "hold.wav",
    include_bytes!("../../call-flows/audio/hold.wav"),
)];

pub fn built_in_audio(name: &str) -> Option<&'static [u8]> {
    BUILT_IN_AUDIO
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| *bytes)
}

/// Whether `file` can be played: a plain file name (no path), present in
/// `dir`, or built in when the flow is the built-in one (`dir` is `None`).
pub fn exists(dir: Option<&Path>, file: &str) -> bool {
    let plain =
        !file.is_empty() && !file.contains('/') && !file.contains('\\') && !file.contains("..");
    plain
        && dir.map_or_else(
            || built_in_audio(file).is_some(),
            |d| d.join(file).is_file(),
        )
}
