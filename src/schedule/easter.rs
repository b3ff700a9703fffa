//! Easter Sunday of any Gregorian year: the anchor of the movable holidays
//! (Good Friday, Ascension, Whit Monday, Corpus Christi, ...).

use chrono::NaiveDate;

/// Easter Sunday in the Gregorian calendar, by the anonymous Gregorian
/// computus (Meeus/Jones/Butcher).
///
/// Pure integer arithmetic, valid for every year `chrono` can represent from
/// 1583 on; no table, so the calendar never "runs out" of years.
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
        .expect("the computus yields a day in March or April")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn known_easter_sundays() {
        // Extremes of the range (22 March, 25 April) and recent years.
        assert_eq!(easter_sunday(1818), d(1818, 3, 22));
        assert_eq!(easter_sunday(2285), d(2285, 3, 22));
        assert_eq!(easter_sunday(1943), d(1943, 4, 25));
        assert_eq!(easter_sunday(2038), d(2038, 4, 25));
        assert_eq!(easter_sunday(2000), d(2000, 4, 23));
        assert_eq!(easter_sunday(2024), d(2024, 3, 31));
        assert_eq!(easter_sunday(2025), d(2025, 4, 20));
        assert_eq!(easter_sunday(2026), d(2026, 4, 5));
    }

    #[test]
    fn always_a_sunday_between_22_march_and_25_april() {
        for y in 1583..3000 {
            let e = easter_sunday(y);
            assert_eq!(e.weekday(), chrono::Weekday::Sun, "{y}");
            assert!(e >= d(y, 3, 22) && e <= d(y, 4, 25), "{y}: {e}");
        }
    }
}
