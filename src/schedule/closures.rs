//! Extra closure days the operator sets (team day, between the years), as
//! `"2026-12-24"` or the inclusive range `"2026-12-24..2026-12-31"`.

use chrono::NaiveDate;
use thiserror::Error;

/// An extra closure: one day or an inclusive range of days, in local dates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closure {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// Why a closure string was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ClosureError {
    #[error(
        "\"{0}\" is not a date; write dates like 2026-12-24, ranges like 2026-12-24..2026-12-31"
    )]
    BadDate(String),
    #[error("the closure \"{0}\" ends before it begins")]
    LastBeforeFirst(String),
}

impl Closure {
    /// `YYYY-MM-DD` for one day, `YYYY-MM-DD..YYYY-MM-DD` for a range that
    /// includes both ends. Spaces around the parts are ignored.
    pub fn parse(s: &str) -> Result<Closure, ClosureError> {
        let date = |t: &str| {
            NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
                .map_err(|_| ClosureError::BadDate(t.trim().to_string()))
        };
        let (first, last) = match s.split_once("..") {
            Some((a, b)) => (date(a)?, date(b)?),
            None => {
                let d = date(s)?;
                (d, d)
            }
        };
        if last < first {
            return Err(ClosureError::LastBeforeFirst(s.trim().to_string()));
        }
        Ok(Closure { first, last })
    }

    /// True when the local `date` is one of the closed days.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn one_day_and_range() {
        let one = Closure::parse("2026-12-24").unwrap();
        assert_eq!((one.first, one.last), (d(2026, 12, 24), d(2026, 12, 24)));
        let range = Closure::parse(" 2026-12-24 .. 2026-12-31 ").unwrap();
        assert_eq!(
            (range.first, range.last),
            (d(2026, 12, 24), d(2026, 12, 31))
        );
        assert!(range.contains(d(2026, 12, 31)));
        assert!(range.contains(d(2026, 12, 24)));
        assert!(!range.contains(d(2027, 1, 1)));
        assert!(!range.contains(d(2026, 12, 23)));
    }

    #[test]
    fn refuses_bad_input() {
        assert_eq!(
            Closure::parse("2026-12-31..2026-12-24"),
            Err(ClosureError::LastBeforeFirst(
                "2026-12-31..2026-12-24".into()
            ))
        );
        assert_eq!(
            Closure::parse("2026-02-30"),
            Err(ClosureError::BadDate("2026-02-30".into()))
        );
        assert!(Closure::parse("24.12.2026").is_err());
        assert!(Closure::parse("").is_err());
        assert!(Closure::parse("2026-12-24..").is_err());
    }
}
