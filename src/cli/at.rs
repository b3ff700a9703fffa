//! `simulate --at`: an instant with an offset (RFC 3339), or a local time
//! without one, read in the schedule's time zone, because an operator thinks
//! in the hotline's local time. On a daylight-saving night a local time may
//! not exist (clocks jump forward) or happen twice (clocks go back): both
//! are refused with what to write instead, never silently guessed.

use chrono::offset::LocalResult;
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// What was written after `--at`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum At {
    Instant(DateTime<FixedOffset>),
    Local(NaiveDateTime),
}

const LOCAL_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
];

/// clap's value parser for `--at`.
pub fn parse(s: &str) -> Result<At, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(At::Instant(t));
    }
    LOCAL_FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(At::Local)
        .ok_or_else(|| {
            "not a time: write 2026-03-30T10:00 (local time of the schedule's \
             time zone) or 2026-03-30T10:00:00+02:00 (RFC 3339)"
                .to_owned()
        })
}

impl At {
    /// [`At::resolve`] for the command line: the note or the error goes to
    /// stderr (so `--json` stays one object on stdout).
    pub fn instant(&self, tz: Tz) -> Option<DateTime<Utc>> {
        match self.resolve(tz) {
            Ok((at, note)) => {
                if let Some(note) = note {
                    eprintln!("note: --at {note}");
                }
                Some(at)
            }
            Err(e) => {
                eprintln!("error: --at {e}");
                None
            }
        }
    }

    /// The instant, and for a local time a note that says which offset was
    /// chosen; an error for a local time that does not exist or is ambiguous.
    pub fn resolve(&self, tz: Tz) -> Result<(DateTime<Utc>, Option<String>), String> {
        let local = match self {
            At::Instant(t) => return Ok((t.with_timezone(&Utc), None)),
            At::Local(local) => *local,
        };
        let shown = local.format("%Y-%m-%dT%H:%M:%S");
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) => Ok((
                t.with_timezone(&Utc),
                Some(format!("{shown} read as {} ({tz})", t.to_rfc3339())),
            )),
            LocalResult::Ambiguous(a, b) => Err(format!(
                "{shown} happens twice in {tz} (the clocks go back that night): \
                 write {} (the first) or {} (the second)",
                a.to_rfc3339(),
                b.to_rfc3339()
            )),
            LocalResult::None => Err(format!(
                "{shown} does not exist in {tz} (the clocks jump forward that night); \
                 write a time before or after the gap, or an RFC 3339 instant with an offset"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BERLIN: Tz = chrono_tz::Europe::Berlin;

    fn resolve(s: &str) -> Result<(DateTime<Utc>, Option<String>), String> {
        parse(s)?.resolve(BERLIN)
    }

    #[test]
    fn an_offset_is_taken_as_written() {
        let (t, note) = resolve("2026-03-30T10:00:00+02:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-30T08:00:00+00:00");
        assert_eq!(note, None);
    }

    #[test]
    fn a_local_time_gets_the_offset_of_that_day_and_says_so() {
        let (t, note) = resolve("2026-03-30T10:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-30T08:00:00+00:00");
        assert_eq!(
            note.unwrap(),
            "2026-03-30T10:00:00 read as 2026-03-30T10:00:00+02:00 (Europe/Berlin)"
        );
        let (winter, _) = resolve("2026-12-24 10:00:00").unwrap();
        assert_eq!(winter.to_rfc3339(), "2026-12-24T09:00:00+00:00");
    }

    #[test]
    fn a_time_in_the_spring_gap_does_not_exist() {
        let e = resolve("2026-03-29T02:30").unwrap_err();
        assert!(e.contains("does not exist in Europe/Berlin"), "{e}");
    }

    #[test]
    fn a_time_in_the_autumn_overlap_is_ambiguous_and_both_readings_are_named() {
        let e = resolve("2026-10-25T02:30").unwrap_err();
        assert!(e.contains("happens twice"), "{e}");
        assert!(e.contains("2026-10-25T02:30:00+02:00"), "{e}");
        assert!(e.contains("2026-10-25T02:30:00+01:00"), "{e}");
    }

    #[test]
    fn anything_else_is_refused_with_both_forms_shown() {
        let e = parse("tomorrow 10am").unwrap_err();
        assert!(e.contains("2026-03-30T10:00"), "{e}");
    }
}
