//! Opening hours, public holidays and closure days → open, or closed with a
//! reason and the next opening instant. Pure: every answer is a function of
//! the instant it is asked for; nothing here reads the clock.
//!
//! INTERFACE STUB — filled in by the schedule work; signatures are the contract.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// Opening hours of one weekday: zero or more ranges in local time, sorted,
/// non-overlapping. `"00:00-24:00"` is all day; `"09:00-12:00,13:00-16:00"`
/// has a break.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DayHours {/* ranges */}

/// Opening hours for each weekday (Monday first); a missing day is closed.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct WeeklyHours {/* [DayHours; 7] */}

/// Which public holidays close the hotline: Germany's nationwide ones, plus
/// those of one state, or none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HolidayCalendar {
    None,
    Germany { state: Option<String> },
}

/// An extra closure: one day or an inclusive range of days, in local dates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closure {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holiday {
    /// Stable id, e.g. `good_friday`.
    pub id: &'static str,
    pub name_de: &'static str,
    pub name_en: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClosedReason {
    Weekend,
    BeforeHours,
    AfterHours,
    Holiday(Holiday),
    Closure,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Open {
        closes_at: DateTime<Tz>,
    },
    Closed {
        reason: ClosedReason,
        next_open: Option<DateTime<Tz>>,
    },
}

#[derive(Clone, Debug)]
pub struct Schedule {
    pub tz: Tz,
    pub week: WeeklyHours,
    pub holidays: HolidayCalendar,
    pub closures: Vec<Closure>,
}

mod stub_impl;
pub use stub_impl::speech;
