//! Tests of the schedule as a whole: parsing of hours, decisions at exact
//! instants (DST switches, the product's acceptance cases), properties.

mod decide;
mod hours;
mod props;
mod speech;

use super::{Closure, DayHours, HolidayCalendar, Schedule, WeeklyHours};
use chrono::{DateTime, Utc, Weekday};
use chrono_tz::Europe::Berlin;

/// The default hotline: Monday to Friday 09:00-16:00 Berlin time, German
/// nationwide holidays, closed on 24 and 31 December 2026.
fn hotline() -> Schedule {
    let nine_to_four = DayHours::parse("09:00-16:00").unwrap();
    let weekdays = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];
    Schedule {
        tz: Berlin,
        week: WeeklyHours::from_days(weekdays.map(|d| (d, nine_to_four.clone()))),
        holidays: HolidayCalendar::parse("DE").unwrap(),
        closures: vec![
            Closure::parse("2026-12-24").unwrap(),
            Closure::parse("2026-12-31").unwrap(),
        ],
    }
}

/// An instant from RFC 3339 text (any offset).
fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}
