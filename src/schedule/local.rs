//! Local wall-clock times → instants, exact across daylight-saving switches.
//! The only place that resolves gaps and overlaps, so every other part of the
//! schedule agrees on what "09:00 on 29 March" means.

use super::hours::{DayHours, TimeOfDay};
use chrono::{DateTime, Days, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The instant at which the wall clock in `tz` shows `time` on `date`.
///
/// - `24:00` is `00:00` of the next day.
/// - A time that happens twice (the autumn overlap) resolves to the earlier
///   instant, so a range starting then opens as soon as it can.
/// - A time that never happens (the spring gap) resolves to the first instant
///   after the gap, so "02:30" on 29 March 2026 in Berlin is 03:00 CEST.
pub(super) fn instant(tz: Tz, date: NaiveDate, time: TimeOfDay) -> DateTime<Utc> {
    let (date, minutes) = if time == TimeOfDay::END_OF_DAY {
        (date + Days::new(1), 0)
    } else {
        (date, u32::from(time.minutes()))
    };
    let wall = date
        .and_hms_opt(minutes / 60, minutes % 60, 0)
        .expect("valid time of day");
    resolve(tz, wall)
}

fn resolve(tz: Tz, wall: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&wall) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        // In a gap: the first wall-clock minute after it is the instant of the
        // switch itself (tzdb switches fall on whole minutes). Gaps are at
        // most a few hours; a day is a generous bound.
        LocalResult::None => (1..=24 * 60)
            .map(|m| wall + chrono::Duration::minutes(m))
            .find_map(|w| tz.from_local_datetime(&w).earliest())
            .map(|t| t.with_timezone(&Utc))
            .expect("a time-zone gap lasts less than a day"),
    }
}

/// The opening ranges of `hours` on `date` as half-open instant intervals
/// `[open, close)`, in order. A range that vanishes in a DST gap (e.g.
/// `02:00-02:30` on the spring switch day) yields nothing.
pub(super) fn intervals(
    tz: Tz,
    date: NaiveDate,
    hours: &DayHours,
) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
    hours
        .ranges()
        .iter()
        .map(move |r| (instant(tz, date, r.start), instant(tz, date, r.end)))
        .filter(|(open, close)| open < close)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Berlin;

    fn t(h: u8, m: u8) -> TimeOfDay {
        TimeOfDay::new(h, m).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn nine_oclock_summer_and_winter() {
        assert_eq!(
            instant(Berlin, d(2026, 3, 27), t(9, 0)),
            utc("2026-03-27T08:00:00Z")
        );
        assert_eq!(
            instant(Berlin, d(2026, 3, 30), t(9, 0)),
            utc("2026-03-30T07:00:00Z")
        );
        assert_eq!(
            instant(Berlin, d(2026, 10, 23), t(9, 0)),
            utc("2026-10-23T07:00:00Z")
        );
        assert_eq!(
            instant(Berlin, d(2026, 10, 26), t(9, 0)),
            utc("2026-10-26T08:00:00Z")
        );
    }

    #[test]
    fn gap_overlap_and_midnight() {
        // 02:30 does not exist on 29 March 2026: first instant after is 03:00 CEST.
        assert_eq!(
            instant(Berlin, d(2026, 3, 29), t(2, 30)),
            utc("2026-03-29T01:00:00Z")
        );
        // 02:30 happens twice on 25 October 2026: the earlier is 02:30 CEST.
        assert_eq!(
            instant(Berlin, d(2026, 10, 25), t(2, 30)),
            utc("2026-10-25T00:30:00Z")
        );
        assert_eq!(
            instant(Berlin, d(2026, 10, 25), TimeOfDay::END_OF_DAY),
            utc("2026-10-25T23:00:00Z")
        );
        let gap_only = DayHours::parse("02:00-02:30").unwrap();
        assert_eq!(intervals(Berlin, d(2026, 3, 29), &gap_only).count(), 0);
        assert_eq!(intervals(Berlin, d(2026, 3, 28), &gap_only).count(), 1);
    }
}
