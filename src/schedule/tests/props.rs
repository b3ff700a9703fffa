//! Properties of `decide` over random instants 1990–2100 and random
//! schedules, against a plain wall-clock oracle.

use crate::schedule::{Closure, DayHours, Decision, HolidayCalendar, Schedule, WeeklyHours};
use chrono::{DateTime, Datelike, Days, Duration, LocalResult, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Europe::Berlin;
use proptest::prelude::*;

/// Up to three ranges from distinct sorted minute marks in 0..=1440, so they
/// never overlap or touch (touching ranges would be merged by `parse`).
fn day_hours() -> impl Strategy<Value = DayHours> {
    (0usize..=3)
        .prop_flat_map(|n| proptest::sample::subsequence((0u16..=1440).collect::<Vec<_>>(), 2 * n))
        .prop_map(|marks| {
            let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
            let ranges: Vec<_> = marks
                .chunks(2)
                .map(|p| format!("{}-{}", hm(p[0]), hm(p[1])))
                .collect();
            DayHours::parse(&ranges.join(",")).expect("generated hours are valid")
        })
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let first = Utc
        .with_ymd_and_hms(1990, 1, 1, 0, 0, 0)
        .unwrap()
        .timestamp();
    let last = Utc
        .with_ymd_and_hms(2100, 12, 31, 23, 59, 59)
        .unwrap()
        .timestamp();
    (first..=last).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

/// A random schedule, and an instant; closures are placed near the instant
/// so that they matter.
fn case() -> impl Strategy<Value = (Schedule, DateTime<Utc>)> {
    let calendars = prop_oneof![Just("none"), Just("DE"), Just("DE-BY"), Just("DE-BE")];
    let closures = proptest::collection::vec((-5i64..30, 0u64..10), 0..3);
    (
        proptest::array::uniform7(day_hours()),
        calendars,
        closures,
        instant(),
    )
        .prop_map(|(days, cal, closures, at)| {
            let today = at.with_timezone(&Berlin).date_naive();
            let weekdays = [0u8, 1, 2, 3, 4, 5, 6].map(|i| Weekday::try_from(i).unwrap());
            let schedule = Schedule {
                tz: Berlin,
                week: WeeklyHours::from_days(weekdays.into_iter().zip(days)),
                holidays: HolidayCalendar::parse(cal).unwrap(),
                closures: closures
                    .into_iter()
                    .map(|(from, len)| {
                        let first = today + Duration::days(from);
                        Closure {
                            first,
                            last: first + Days::new(len),
                        }
                    })
                    .collect(),
            };
            (schedule, at)
        })
}

/// Open iff the local day is neither closed nor a holiday and the local wall
/// time lies in one of its ranges. `None` for an instant whose wall time
/// happens twice (autumn overlap), where "which 02:30" is a documented choice.
fn oracle(s: &Schedule, at: DateTime<Utc>) -> Option<bool> {
    let local = at.with_timezone(&s.tz);
    if let LocalResult::Ambiguous(..) = s.tz.from_local_datetime(&local.naive_local()) {
        return None;
    }
    let date = local.date_naive();
    if s.closures.iter().any(|c| c.contains(date)) || s.holidays.holiday_on(date).is_some() {
        return Some(false);
    }
    let sec = local.num_seconds_from_midnight();
    let open =
        s.week.day(date.weekday()).ranges().iter().any(|r| {
            u32::from(r.start.minutes()) * 60 <= sec && sec < u32::from(r.end.minutes()) * 60
        });
    Some(open)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decide_matches_the_wall_clock((s, at) in case()) {
        if let Some(open) = oracle(&s, at) {
            prop_assert_eq!(s.decide(at).is_open(), open);
        }
    }

    #[test]
    fn closes_at_is_the_end_of_the_open_stretch((s, at) in case()) {
        if let Decision::Open { closes_at } = s.decide(at) {
            let closes_at = closes_at.with_timezone(&Utc);
            prop_assert!(closes_at > at);
            prop_assert!(s.decide(closes_at - Duration::seconds(1)).is_open());
            match s.decide(closes_at) {
                Decision::Open { closes_at: later } => prop_assert!(later > closes_at),
                Decision::Closed { .. } => {}
            }
        }
    }

    #[test]
    fn next_open_is_the_first_open_instant((s, at) in case(), frac in 0.0f64..1.0) {
        if let Decision::Closed { next_open: Some(n), .. } = s.decide(at) {
            let n = n.with_timezone(&Utc);
            prop_assert!(n > at);
            prop_assert!(s.decide(n).is_open());
            prop_assert!(!s.decide(n - Duration::seconds(1)).is_open());
            let between = at + Duration::seconds(((n - at).num_seconds() as f64 * frac) as i64);
            prop_assert!(!s.decide(between).is_open(), "open at {} before {}", between, n);
            // Holidays and closures only ever push the opening later.
            let by_week = s.next_open_by_week(at).unwrap().with_timezone(&Utc);
            prop_assert!(at <= by_week && by_week <= n);
        }
    }

    #[test]
    fn next_open_by_week_is_open_by_the_week((s, at) in case()) {
        let week_only = Schedule { holidays: HolidayCalendar::None, closures: vec![], ..s.clone() };
        match s.next_open_by_week(at) {
            Some(n) => {
                let n = n.with_timezone(&Utc);
                prop_assert!(n >= at);
                prop_assert!(week_only.decide(n).is_open());
            }
            None => prop_assert!(!week_only.decide(at).is_open()),
        }
    }
}
