//! Opening hours, public holidays and closure days → open, or closed with a
//! reason and the next opening instant. Pure: every answer is a function of
//! the instant it is asked for; nothing here reads the clock.
//!
//! The module owns: the operator's text formats for hours, holiday calendars
//! and closures (with errors an operator understands); the German holiday
//! rules for every year and state; the conversion of local German time to
//! instants across DST; and how a voice prompt says hours and next opening.
//!
//! Layout: `hours` (day and week hours), `calendar` and `holidays` (which
//! days are public holidays, `easter` for the movable ones), `closures`,
//! `local` (wall clock → instant), `decide` ([`Schedule::decide`]),
//! [`speech`] (sentences for prompts), `tests` (cross-module tests).

mod calendar;
mod closures;
mod decide;
mod easter;
mod holidays;
mod hours;
mod local;
pub mod speech;

#[cfg(test)]
mod tests;

pub use calendar::{HolidayCalendar, HolidayError};
pub use closures::{Closure, ClosureError};
pub use easter::easter_sunday;
pub use holidays::Holiday;
pub use hours::{DayHours, HoursError, TimeOfDay, TimeRange, WeeklyHours};

use chrono::DateTime;
use chrono_tz::Tz;

/// Why the hotline is closed at an instant. Checked in this order: a closure
/// day, then a public holiday, then the weekly hours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClosedReason {
    /// The weekday has no opening hours at all (not only Saturday and Sunday:
    /// any weekday without hours).
    Weekend,
    /// Today has hours and one of its ranges is still to come: before the
    /// first range, or in a break between two ranges.
    BeforeHours,
    /// Today has hours and the last of them has ended.
    AfterHours,
    /// A public holiday of the configured calendar closes the whole local day.
    Holiday(Holiday),
    /// An operator-set closure closes the whole local day.
    Closure,
}

impl ClosedReason {
    /// Stable machine name for logs, metrics labels and `simulate --json`.
    pub fn code(&self) -> &'static str {
        match self {
            ClosedReason::Weekend => "weekend",
            ClosedReason::BeforeHours => "before_hours",
            ClosedReason::AfterHours => "after_hours",
            ClosedReason::Holiday(_) => "holiday",
            ClosedReason::Closure => "closure",
        }
    }
}

/// The answer for one instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Open; `closes_at` is the end of the current range of today's hours.
    /// A range ending at 24:00 closes at local midnight, even if the next day
    /// opens at 00:00 again (then the line is in fact open straight through).
    Open { closes_at: DateTime<Tz> },
    /// Closed; `next_open` is the first later instant at which the line is
    /// open, searched up to 400 days ahead (`None`: not within that time).
    Closed {
        reason: ClosedReason,
        next_open: Option<DateTime<Tz>>,
    },
}

impl Decision {
    pub fn is_open(&self) -> bool {
        matches!(self, Decision::Open { .. })
    }
}

/// Everything that decides whether the hotline is open: the local time zone
/// (`Europe/Berlin` for German hotlines), weekly hours, holidays, closures.
#[derive(Clone, Debug)]
pub struct Schedule {
    pub tz: Tz,
    pub week: WeeklyHours,
    pub holidays: HolidayCalendar,
    pub closures: Vec<Closure>,
}
