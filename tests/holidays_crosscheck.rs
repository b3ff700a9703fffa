//! Cross-checks lotse's German holiday calendar against an independent
//! implementation, the PyPI `holidays` package, for the nationwide calendar
//! and all 16 states, every year 1991–2040: the same set of dates (names are
//! not compared; they differ in wording by design).
//!
//! 1991 is where the Python package starts (it models reunified Germany only);
//! it also covers the 1995 change (Buß- und Bettag nationwide until 1994, in
//! Saxony only since). The test fails loudly if `python3` or the package is
//! missing: a skipped cross-check would look like a passed one.

use chrono::NaiveDate;
use lotse::schedule::HolidayCalendar;
use std::collections::{BTreeMap, BTreeSet};

#[path = "support/python.rs"]
mod python;

const FIRST_YEAR: i32 = 1991;
const LAST_YEAR: i32 = 2040;
const CODES: [&str; 17] = [
    "DE", "DE-BW", "DE-BY", "DE-BE", "DE-BB", "DE-HB", "DE-HH", "DE-HE", "DE-MV", "DE-NI", "DE-NW",
    "DE-RP", "DE-SL", "DE-SN", "DE-ST", "DE-SH", "DE-TH",
];

type Dates = BTreeMap<String, BTreeSet<NaiveDate>>;

/// Runs `tests/support/holidays.py`; panics with the reason if it cannot.
fn python_holidays() -> Dates {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/holidays.py");
    let out = python::python3()
        .arg(script)
        .arg(FIRST_YEAR.to_string())
        .arg(LAST_YEAR.to_string())
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}); the holiday cross-check needs python3 and the `holidays` package: scripts/test sets up both")
        });
    assert!(
        out.status.success(),
        "the holiday reference script failed ({}); the cross-check needs `pip install holidays`:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let mut dates = Dates::new();
    for line in String::from_utf8(out.stdout).expect("utf-8").lines() {
        if line.starts_with('#') {
            continue;
        }
        let (code, date) = line.split_once(' ').expect("line `CODE YYYY-MM-DD`");
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("ISO date");
        dates.entry(code.to_string()).or_default().insert(date);
    }
    dates
}

fn lotse_holidays(code: &str) -> BTreeSet<NaiveDate> {
    let cal = HolidayCalendar::parse(code).expect("known calendar");
    let first = NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31).unwrap();
    first
        .iter_days()
        .take_while(|d| *d <= last)
        .filter(|d| cal.holiday_on(*d).is_some())
        .collect()
}

#[test]
fn same_dates_as_python_holidays_for_germany_and_every_state() {
    let reference = python_holidays();
    let mut mismatches = Vec::new();
    for code in CODES {
        let theirs = reference
            .get(code)
            .unwrap_or_else(|| panic!("the reference printed no holidays for {code}"));
        // Sanity: at least the 9 nationwide holidays in every year.
        let years = (LAST_YEAR - FIRST_YEAR + 1) as usize;
        assert!(
            theirs.len() >= 9 * years,
            "{code}: only {} reference dates",
            theirs.len()
        );
        let ours = lotse_holidays(code);
        for d in theirs.difference(&ours) {
            mismatches.push(format!(
                "{code} {d}: holiday in python `holidays`, not in lotse"
            ));
        }
        for d in ours.difference(theirs) {
            mismatches.push(format!(
                "{code} {d}: holiday in lotse, not in python `holidays`"
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} holiday mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
