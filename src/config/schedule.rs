//! `[schedule]` into a [`Schedule`]: the time zone, weekly hours, holiday
//! calendar and closures, each mistake reported with its field.

use chrono_tz::Tz;

use super::file::ConfigFile;
use super::settings::Problems;
use crate::schedule::{Closure, DayHours, HolidayCalendar, Schedule, WeeklyHours};

/// `None` when any part is unusable; the problems say which.
pub(super) fn build(file: &ConfigFile, p: &mut Problems<'_>) -> Option<Schedule> {
    let s = &file.schedule;
    let tz = s
        .timezone
        .parse::<Tz>()
        .map_err(|_| {
            p.add(
                &["schedule", "timezone"],
                "unknown time zone (e.g. Europe/Berlin)",
            )
        })
        .ok();
    let mut days = Vec::new();
    for (key, value) in &s.hours {
        match WeeklyHours::parse_weekday_key(key) {
            None => p.add(
                &["schedule", "hours", key],
                "unknown weekday; use mon, tue, wed, thu, fri, sat, sun",
            ),
            Some(day) => match DayHours::parse(value) {
                Ok(hours) => days.push((day, hours)),
                Err(e) => p.add(&["schedule", "hours", key], format!("bad time range: {e}")),
            },
        }
    }
    let holidays = HolidayCalendar::parse(&s.holidays)
        .map_err(|e| p.add(&["schedule", "holidays"], e.to_string()))
        .ok();
    let mut closures = Vec::new();
    for (i, raw) in s.closed.iter().enumerate() {
        match Closure::parse(raw) {
            Ok(c) => closures.push(c),
            Err(e) => p.add(
                &["schedule", "closed", &i.to_string()],
                format!("bad closure {raw:?}: {e}"),
            ),
        }
    }
    Some(Schedule {
        tz: tz?,
        week: WeeklyHours::from_days(days),
        holidays: holidays?,
        closures,
    })
}
