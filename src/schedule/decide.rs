//! [`Schedule::decide`]: open or closed at an instant, and when next open.
//!
//! Model: each local day contributes its opening ranges as half-open instant
//! intervals (see `local`); a closure or holiday removes the whole day. An
//! instant is open iff it lies in a remaining interval of its own local day.

use super::local::intervals;
use super::{ClosedReason, Decision, Schedule};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;

/// How far `next_open` looks ahead: more than a year, so a once-a-year
/// opening is still found, yet bounded for an always-closed schedule.
const MAX_DAYS_AHEAD: usize = 400;

/// Weekly hours repeat; a week plus today covers every weekday.
const WEEK_DAYS_AHEAD: usize = 8;

impl Schedule {
    /// Open (with the closing instant) or closed (with reason and next
    /// opening) at `at`.
    pub fn decide(&self, at: DateTime<Utc>) -> Decision {
        let date = at.with_timezone(&self.tz).date_naive();
        let closed = |reason| Decision::Closed {
            reason,
            next_open: self.search(at, true, MAX_DAYS_AHEAD),
        };
        if let Some(reason) = self.day_closed(date) {
            return closed(reason);
        }
        let hours = self.week.day(date.weekday());
        if hours.is_closed() {
            return closed(ClosedReason::Weekend);
        }
        let mut later_today = false;
        for (open, close) in intervals(self.tz, date, hours) {
            if open <= at && at < close {
                let closes_at = close.with_timezone(&self.tz);
                return Decision::Open { closes_at };
            }
            later_today |= open > at;
        }
        // A break between two ranges counts as "before hours": another range
        // is still to come today, which is what a caller needs to know.
        closed(if later_today {
            ClosedReason::BeforeHours
        } else {
            ClosedReason::AfterHours
        })
    }

    /// The next opening by the weekly hours alone (ignoring holidays and
    /// closures), strictly after `at`, or `at` itself if open by weekly
    /// hours: used to tell whether a holiday/closure pushed the opening later.
    pub fn next_open_by_week(&self, at: DateTime<Utc>) -> Option<DateTime<Tz>> {
        let date = at.with_timezone(&self.tz).date_naive();
        let hours = self.week.day(date.weekday());
        if intervals(self.tz, date, hours).any(|(open, close)| open <= at && at < close) {
            return Some(at.with_timezone(&self.tz));
        }
        self.search(at, false, WEEK_DAYS_AHEAD)
    }

    /// The first opening instant strictly after `at`, looking `days` local
    /// days ahead; `whole_days` also honours closures and holidays.
    fn search(&self, at: DateTime<Utc>, whole_days: bool, days: usize) -> Option<DateTime<Tz>> {
        let today = at.with_timezone(&self.tz).date_naive();
        today
            .iter_days()
            .take(days)
            .filter(|date| !(whole_days && self.day_closed(*date).is_some()))
            .find_map(|date| {
                let hours = self.week.day(date.weekday());
                intervals(self.tz, date, hours)
                    .map(|(open, _)| open)
                    .find(|open| *open > at)
            })
            .map(|open| open.with_timezone(&self.tz))
    }

    /// Why the whole local `date` is closed, if it is: a closure wins over a
    /// holiday, so an operator's closure is reported as such.
    fn day_closed(&self, date: NaiveDate) -> Option<ClosedReason> {
        if self.closures.iter().any(|c| c.contains(date)) {
            return Some(ClosedReason::Closure);
        }
        self.holidays.holiday_on(date).map(ClosedReason::Holiday)
    }
}
