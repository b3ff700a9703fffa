//! Opening hours of one day and of a week, parsed from the operator's strings
//! (`"09:00-12:00,13:00-16:00"`). Owns the text format and its error messages.

use chrono::Weekday;
use std::fmt;
use thiserror::Error;

/// A wall-clock time of day in whole minutes, `00:00` ..= `24:00`.
///
/// Not `NaiveTime`: an opening range may end at `24:00` (midnight at the end
/// of the day), which `NaiveTime` cannot express.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    /// Midnight at the end of the day; valid only as the end of a range.
    pub const END_OF_DAY: TimeOfDay = TimeOfDay(24 * 60);

    /// `None` unless `hour:minute` is a time of day or exactly `24:00`.
    pub fn new(hour: u8, minute: u8) -> Option<TimeOfDay> {
        let valid = (hour < 24 && minute < 60) || (hour == 24 && minute == 0);
        valid.then(|| TimeOfDay(u16::from(hour) * 60 + u16::from(minute)))
    }

    pub fn hour(self) -> u8 {
        (self.0 / 60) as u8
    }

    pub fn minute(self) -> u8 {
        (self.0 % 60) as u8
    }

    /// Minutes since local midnight (1440 for `24:00`).
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())
    }
}

/// One half-open opening range `[start, end)` of local wall-clock time:
/// open at `start`, closed again at `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeRange {
    pub start: TimeOfDay,
    pub end: TimeOfDay,
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

/// Why an opening-hours string was refused; worded for the operator who
/// wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HoursError {
    #[error("\"{0}\" is not an opening time range; write it like 09:00-16:00")]
    Syntax(String),
    #[error("\"{0}\" is not a time of day; hours go from 00 to 23, minutes from 00 to 59, and 24:00 is allowed only as a closing time")]
    BadTime(String),
    #[error("\"{0}\" closes before (or when) it opens; the closing time must be later than the opening time")]
    EndNotAfterStart(String),
    #[error("the opening times \"{0}\" and \"{1}\" overlap")]
    Overlap(String, String),
}

/// Opening hours of one weekday: zero or more ranges in local time, sorted,
/// non-overlapping. `"00:00-24:00"` is all day; `"09:00-12:00,13:00-16:00"`
/// has a break.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DayHours {
    ranges: Vec<TimeRange>,
}

impl DayHours {
    /// Parses comma-separated `HH:MM-HH:MM` ranges; `""` means closed.
    ///
    /// Ranges may come in any order and are sorted. Ranges that merely touch
    /// (`09:00-12:00,12:00-16:00`) are merged into one, so that `closes_at`
    /// names the moment the line really closes, not an invisible seam.
    pub fn parse(s: &str) -> Result<DayHours, HoursError> {
        let mut ranges = Vec::new();
        if s.trim().is_empty() {
            return Ok(DayHours { ranges });
        }
        for part in s.split(',').map(str::trim) {
            if part.is_empty() {
                return Err(HoursError::Syntax(s.trim().to_string()));
            }
            ranges.push(parse_range(part)?);
        }
        ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<TimeRange> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(prev) if r.start < prev.end => {
                    return Err(HoursError::Overlap(prev.to_string(), r.to_string()))
                }
                Some(prev) if r.start == prev.end => prev.end = r.end,
                _ => merged.push(r),
            }
        }
        Ok(DayHours { ranges: merged })
    }

    /// True when the day has no opening range at all.
    pub fn is_closed(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The ranges, sorted by start, non-overlapping and non-touching.
    pub fn ranges(&self) -> &[TimeRange] {
        &self.ranges
    }
}

impl fmt::Display for DayHours {
    /// Writes the canonical form that `parse` reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

fn parse_range(s: &str) -> Result<TimeRange, HoursError> {
    let (start, end) = s
        .split_once('-')
        .ok_or_else(|| HoursError::Syntax(s.to_string()))?;
    let start = parse_time(start.trim(), s)?;
    let end = parse_time(end.trim(), s)?;
    if start == TimeOfDay::END_OF_DAY {
        return Err(HoursError::BadTime(start.to_string()));
    }
    if end <= start {
        return Err(HoursError::EndNotAfterStart(s.to_string()));
    }
    Ok(TimeRange { start, end })
}

/// `H:MM` or `HH:MM`; `range` is only for the error message.
fn parse_time(s: &str, range: &str) -> Result<TimeOfDay, HoursError> {
    let syntax = || HoursError::Syntax(range.to_string());
    let (h, m) = s.split_once(':').ok_or_else(syntax)?;
    let digits = |t: &str, max_len| {
        !t.is_empty() && t.len() <= max_len && t.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, 2) || !digits(m, 2) || m.len() != 2 {
        return Err(syntax());
    }
    let (h, m) = (
        h.parse().map_err(|_| syntax())?,
        m.parse().map_err(|_| syntax())?,
    );
    TimeOfDay::new(h, m).ok_or_else(|| HoursError::BadTime(s.to_string()))
}

/// Opening hours for each weekday (Monday first); a missing day is closed.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct WeeklyHours {
    days: [DayHours; 7],
}

impl WeeklyHours {
    /// Builds the week from `(weekday, hours)` pairs; a weekday given twice
    /// takes the later hours, a weekday not given is closed.
    pub fn from_days(days: impl IntoIterator<Item = (Weekday, DayHours)>) -> WeeklyHours {
        let mut week = WeeklyHours::default();
        for (wd, hours) in days {
            week.days[wd.num_days_from_monday() as usize] = hours;
        }
        week
    }

    /// The config key of a weekday: `"mon"` .. `"sun"` (ASCII case ignored).
    pub fn parse_weekday_key(key: &str) -> Option<Weekday> {
        const KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let i = KEYS.iter().position(|k| k.eq_ignore_ascii_case(key))?;
        Some(Weekday::try_from(i as u8).expect("0..7 is a weekday"))
    }

    pub fn day(&self, wd: Weekday) -> &DayHours {
        &self.days[wd.num_days_from_monday() as usize]
    }

    /// True when no day of the week has opening hours.
    pub fn is_always_closed(&self) -> bool {
        self.days.iter().all(DayHours::is_closed)
    }
}
