//! Which holiday calendar a hotline follows, as the operator names it
//! (`"DE"`, `"DE-BY"`, `"none"`), and the lookup of a date in it.

use super::holidays::{self, Holiday, STATES};
use chrono::NaiveDate;
use thiserror::Error;

/// Which public holidays close the hotline: Germany's nationwide ones, plus
/// those of one state, or none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HolidayCalendar {
    None,
    /// `state` is an ISO 3166-2:DE code without the `DE-` prefix, upper case
    /// (`"BY"`), as [`HolidayCalendar::parse`] stores it.
    Germany {
        state: Option<String>,
    },
}

/// Why a holiday-calendar name was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HolidayError {
    #[error("unknown holiday calendar \"{0}\"; use \"DE\" for Germany's nationwide holidays, \"DE-BY\" etc. to add a state's, or \"none\"")]
    Unknown(String),
    #[error("unknown German state \"{0}\"; use one of DE-BW, DE-BY, DE-BE, DE-BB, DE-HB, DE-HH, DE-HE, DE-MV, DE-NI, DE-NW, DE-RP, DE-SL, DE-SN, DE-ST, DE-SH, DE-TH")]
    UnknownState(String),
}

impl HolidayCalendar {
    /// `"DE"` (nationwide), `"DE-XX"` for one of the 16 states, or `"none"`.
    /// Case and surrounding spaces are ignored, so `"de-by"` works too.
    pub fn parse(s: &str) -> Result<Self, HolidayError> {
        let t = s.trim().to_ascii_uppercase();
        if t == "NONE" {
            return Ok(HolidayCalendar::None);
        }
        if t == "DE" {
            return Ok(HolidayCalendar::Germany { state: None });
        }
        let Some(state) = t.strip_prefix("DE-") else {
            return Err(HolidayError::Unknown(s.to_string()));
        };
        if !STATES.contains(&state) {
            return Err(HolidayError::UnknownState(s.to_string()));
        }
        Ok(HolidayCalendar::Germany {
            state: Some(state.to_string()),
        })
    }

    /// The holiday that closes the hotline on the local `date`, if any.
    ///
    /// A `state` that [`HolidayCalendar::parse`] would refuse (possible only
    /// by building the enum by hand) simply adds no state holidays.
    pub fn holiday_on(&self, date: NaiveDate) -> Option<Holiday> {
        match self {
            HolidayCalendar::None => None,
            HolidayCalendar::Germany { state } => holidays::holiday_on(date, state.as_deref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn id(cal: &str, date: NaiveDate) -> Option<&'static str> {
        HolidayCalendar::parse(cal)
            .unwrap()
            .holiday_on(date)
            .map(|h| h.id)
    }

    #[test]
    fn parses_names() {
        assert_eq!(HolidayCalendar::parse("none"), Ok(HolidayCalendar::None));
        assert_eq!(
            HolidayCalendar::parse(" de-by "),
            Ok(HolidayCalendar::Germany {
                state: Some("BY".into())
            })
        );
        for s in STATES {
            assert!(HolidayCalendar::parse(&format!("DE-{s}")).is_ok(), "{s}");
        }
        assert!(matches!(
            HolidayCalendar::parse("DE-XX"),
            Err(HolidayError::UnknownState(_))
        ));
        assert!(matches!(
            HolidayCalendar::parse("AT"),
            Err(HolidayError::Unknown(_))
        ));
        assert!(matches!(
            HolidayCalendar::parse(""),
            Err(HolidayError::Unknown(_))
        ));
    }

    #[test]
    fn nationwide_2026() {
        let expect = [
            (d(2026, 1, 1), "new_year"),
            (d(2026, 4, 3), "good_friday"),
            (d(2026, 4, 6), "easter_monday"),
            (d(2026, 5, 1), "labour_day"),
            (d(2026, 5, 14), "ascension_day"),
            (d(2026, 5, 25), "whit_monday"),
            (d(2026, 10, 3), "german_unity_day"),
            (d(2026, 12, 25), "christmas_day"),
            (d(2026, 12, 26), "boxing_day"),
        ];
        for (date, want) in expect {
            assert_eq!(id("DE", date), Some(want), "{date}");
        }
        let count = d(2026, 1, 1)
            .iter_days()
            .take_while(|x| *x <= d(2026, 12, 31))
            .filter(|x| id("DE", *x).is_some())
            .count();
        assert_eq!(count, 9);
        assert_eq!(HolidayCalendar::None.holiday_on(d(2026, 12, 25)), None);
    }

    #[test]
    fn state_rules_with_years() {
        assert_eq!(id("DE", d(2017, 10, 31)), Some("reformation_day"));
        assert_eq!(id("DE", d(2018, 10, 31)), None);
        assert_eq!(id("DE-HH", d(2017, 10, 31)), Some("reformation_day"));
        assert_eq!(id("DE-HH", d(2016, 10, 31)), None);
        assert_eq!(id("DE-HH", d(2018, 10, 31)), Some("reformation_day"));
        assert_eq!(id("DE-BE", d(2018, 3, 8)), None);
        assert_eq!(id("DE-BE", d(2019, 3, 8)), Some("womens_day"));
        assert_eq!(id("DE-MV", d(2022, 3, 8)), None);
        assert_eq!(id("DE-MV", d(2023, 3, 8)), Some("womens_day"));
        assert_eq!(id("DE-TH", d(2019, 9, 20)), Some("childrens_day"));
        assert_eq!(id("DE-BE", d(2025, 5, 8)), Some("liberation_day"));
        assert_eq!(id("DE-BE", d(2026, 5, 8)), None);
        assert_eq!(id("DE-SN", d(2026, 11, 18)), Some("repentance_day"));
        assert_eq!(id("DE-SN", d(2023, 11, 22)), Some("repentance_day"));
        assert_eq!(
            id("DE-BY", d(2026, 8, 15)),
            None,
            "Bavaria: only some communities"
        );
        assert_eq!(id("DE-SL", d(2026, 8, 15)), Some("assumption_day"));
        assert_eq!(id("DE-BB", d(2026, 4, 5)), Some("easter_sunday"));
        assert_eq!(id("DE-NW", d(2026, 6, 4)), Some("corpus_christi"));
        assert_eq!(
            id("DE-SN", d(2026, 6, 4)),
            None,
            "Saxony: only some communities"
        );
    }
}
