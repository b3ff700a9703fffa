//! The German public holidays as data: which day, in which states, in which
//! years. Owns the rules table; `calendar` picks from it.
//!
//! Only holidays that apply to a whole state are listed. Holidays that only
//! some communities keep are left out on purpose, because a nationwide hotline
//! cannot know which community its team sits in: Mariä Himmelfahrt in Bavaria
//! (only mainly Catholic communities), Fronleichnam in parts of Saxony and
//! Thuringia, and the Augsburger Friedensfest (city of Augsburg only). An
//! operator who needs them adds them as closures.
//!
//! The rules are those of reunified Germany (from 1991) and are applied to
//! every year; dates before 1991 are therefore not historical truth.

use super::easter::easter_sunday;
use chrono::{Datelike, NaiveDate, Weekday};

/// A public holiday. `id` is stable (logs, metrics, config); the names are
/// what a caller may hear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holiday {
    /// Stable id, e.g. `good_friday`.
    pub id: &'static str,
    pub name_de: &'static str,
    pub name_en: &'static str,
}

/// How the date of a holiday is found in a given year.
#[derive(Clone, Copy)]
enum When {
    /// Same month and day every year.
    Fixed(u32, u32),
    /// Days after (or, negative, before) Easter Sunday.
    Easter(i64),
    /// Buß- und Bettag: the last Wednesday before 23 November.
    WednesdayBefore23November,
}

/// Where a holiday applies: everywhere in Germany, or in the listed states
/// (ISO 3166-2:DE codes without the `DE-` prefix).
#[derive(Clone, Copy)]
enum Where {
    Nationwide,
    States(&'static [&'static str]),
}

struct Rule {
    holiday: Holiday,
    when: When,
    r#where: Where,
    /// First and last year (inclusive) in which the rule holds.
    years: (i32, i32),
}

const ALWAYS: (i32, i32) = (i32::MIN, i32::MAX);

const fn rule(
    id: &'static str,
    name_de: &'static str,
    name_en: &'static str,
    when: When,
    r#where: Where,
    years: (i32, i32),
) -> Rule {
    let holiday = Holiday {
        id,
        name_de,
        name_en,
    };
    Rule {
        holiday,
        when,
        r#where,
        years,
    }
}

use When::{Easter, Fixed};
use Where::{Nationwide, States};

/// Every rule. Order matters only when two holidays fall on one day (e.g.
/// Ascension on 1 May 2008): the first listed is the one reported.
#[rustfmt::skip]
const RULES: &[Rule] = &[
    rule("new_year", "Neujahr", "New Year's Day", Fixed(1, 1), Nationwide, ALWAYS),
    rule("epiphany", "Heilige Drei Könige", "Epiphany", Fixed(1, 6), States(&["BW", "BY", "ST"]), ALWAYS),
    // Berlin since 2019, Mecklenburg-Vorpommern since 2023.
    rule("womens_day", "Internationaler Frauentag", "International Women's Day", Fixed(3, 8), States(&["BE"]), (2019, i32::MAX)),
    rule("womens_day", "Internationaler Frauentag", "International Women's Day", Fixed(3, 8), States(&["MV"]), (2023, i32::MAX)),
    rule("good_friday", "Karfreitag", "Good Friday", Easter(-2), Nationwide, ALWAYS),
    rule("easter_sunday", "Ostersonntag", "Easter Sunday", Easter(0), States(&["BB"]), ALWAYS),
    rule("easter_monday", "Ostermontag", "Easter Monday", Easter(1), Nationwide, ALWAYS),
    rule("labour_day", "Tag der Arbeit", "Labour Day", Fixed(5, 1), Nationwide, ALWAYS),
    // Berlin, one-off: 75th and 80th anniversary of the end of the war in Europe.
    rule("liberation_day", "Tag der Befreiung", "Liberation Day", Fixed(5, 8), States(&["BE"]), (2020, 2020)),
    rule("liberation_day", "Tag der Befreiung", "Liberation Day", Fixed(5, 8), States(&["BE"]), (2025, 2025)),
    rule("ascension_day", "Christi Himmelfahrt", "Ascension Day", Easter(39), Nationwide, ALWAYS),
    rule("whit_sunday", "Pfingstsonntag", "Whit Sunday", Easter(49), States(&["BB"]), ALWAYS),
    rule("whit_monday", "Pfingstmontag", "Whit Monday", Easter(50), Nationwide, ALWAYS),
    rule("corpus_christi", "Fronleichnam", "Corpus Christi", Easter(60), States(&["BW", "BY", "HE", "NW", "RP", "SL"]), ALWAYS),
    // Berlin, one-off: 75th anniversary of the East German uprising of 1953.
    rule("uprising_1953", "Jahrestag des Volksaufstandes vom 17. Juni 1953", "Anniversary of the uprising of 17 June 1953", Fixed(6, 17), States(&["BE"]), (2028, 2028)),
    rule("assumption_day", "Mariä Himmelfahrt", "Assumption Day", Fixed(8, 15), States(&["SL"]), ALWAYS),
    rule("childrens_day", "Weltkindertag", "World Children's Day", Fixed(9, 20), States(&["TH"]), (2019, i32::MAX)),
    rule("german_unity_day", "Tag der Deutschen Einheit", "German Unity Day", Fixed(10, 3), Nationwide, ALWAYS),
    // Nationwide once, for the 500th anniversary in 2017; the eastern states
    // always; the four northern states since 2018.
    rule("reformation_day", "Reformationstag", "Reformation Day", Fixed(10, 31), Nationwide, (2017, 2017)),
    rule("reformation_day", "Reformationstag", "Reformation Day", Fixed(10, 31), States(&["BB", "MV", "SN", "ST", "TH"]), ALWAYS),
    rule("reformation_day", "Reformationstag", "Reformation Day", Fixed(10, 31), States(&["HB", "HH", "NI", "SH"]), (2018, i32::MAX)),
    rule("all_saints_day", "Allerheiligen", "All Saints' Day", Fixed(11, 1), States(&["BW", "BY", "NW", "RP", "SL"]), ALWAYS),
    // Nationwide until 1994 (abolished to fund the care insurance); Saxony kept it.
    rule("repentance_day", "Buß- und Bettag", "Day of Prayer and Repentance", When::WednesdayBefore23November, Nationwide, (i32::MIN, 1994)),
    rule("repentance_day", "Buß- und Bettag", "Day of Prayer and Repentance", When::WednesdayBefore23November, States(&["SN"]), (1995, i32::MAX)),
    rule("christmas_day", "Erster Weihnachtstag", "Christmas Day", Fixed(12, 25), Nationwide, ALWAYS),
    rule("boxing_day", "Zweiter Weihnachtstag", "Boxing Day", Fixed(12, 26), Nationwide, ALWAYS),
];

/// The holiday on `date` for `state` (`None` = nationwide holidays only).
pub(super) fn holiday_on(date: NaiveDate, state: Option<&str>) -> Option<Holiday> {
    let year = date.year();
    // Computed lazily: most dates are checked against fixed rules only.
    let mut easter = None;
    RULES
        .iter()
        .filter(|r| r.years.0 <= year && year <= r.years.1)
        .filter(|r| match r.r#where {
            Nationwide => true,
            States(states) => state.is_some_and(|s| states.contains(&s)),
        })
        .find(|r| match r.when {
            Fixed(m, d) => date.month() == m && date.day() == d,
            Easter(offset) => {
                let e = *easter.get_or_insert_with(|| easter_sunday(year));
                (date - e).num_days() == offset
            }
            When::WednesdayBefore23November => date == wednesday_before_23_november(year),
        })
        .map(|r| r.holiday.clone())
}

/// The last Wednesday strictly before 23 November (16–22 November).
fn wednesday_before_23_november(year: i32) -> NaiveDate {
    let nov22 = NaiveDate::from_ymd_opt(year, 11, 22).expect("22 November exists");
    let back =
        (nov22.weekday().num_days_from_monday() + 7 - Weekday::Wed.num_days_from_monday()) % 7;
    nov22 - chrono::Days::new(u64::from(back))
}

/// The 16 states by ISO 3166-2:DE code without the `DE-` prefix: what the
/// calendar's parser accepts.
pub(super) const STATES: [&str; 16] = [
    "BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH",
];
