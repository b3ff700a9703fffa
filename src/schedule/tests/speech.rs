use super::hotline;
use crate::schedule::speech::{greeting, hours_sentence, next_open_sentence, opening_sentence};
use crate::schedule::{DayHours, WeeklyHours};
use chrono::{TimeZone, Weekday};
use chrono_tz::Europe::Berlin;

use Weekday::*;

fn week(days: &[(Weekday, &str)]) -> WeeklyHours {
    WeeklyHours::from_days(days.iter().map(|(d, h)| (*d, DayHours::parse(h).unwrap())))
}

fn both(w: &WeeklyHours) -> (String, String) {
    (
        hours_sentence(w, "de").unwrap(),
        hours_sentence(w, "en").unwrap(),
    )
}

#[test]
fn default_hotline_hours() {
    let (de, en) = both(&hotline().week);
    assert_eq!(de, "montags bis freitags von 9 bis 16 Uhr");
    assert_eq!(en, "Monday to Friday from 9 am to 4 pm");
}

#[test]
fn minutes_breaks_and_groups() {
    let w = week(&[
        (Mon, "09:30-16:00"),
        (Tue, "09:30-16:00"),
        (Wed, "09:30-16:00"),
    ]);
    let (de, en) = both(&w);
    assert_eq!(de, "montags bis mittwochs von 9 Uhr 30 bis 16 Uhr");
    assert_eq!(en, "Monday to Wednesday from 9:30 am to 4 pm");

    let w = week(&[
        (Tue, "09:00-12:00,13:00-16:00"),
        (Thu, "09:00-12:00, 13:00-16:30"),
    ]);
    let (de, en) = both(&w);
    assert_eq!(
        de,
        "dienstags von 9 bis 12 und von 13 bis 16 Uhr und donnerstags von 9 bis 12 und von 13 bis 16 Uhr 30"
    );
    assert_eq!(
        en,
        "Tuesday from 9 am to noon and from 1 pm to 4 pm and Thursday from 9 am to noon and from 1 pm to 4:30 pm"
    );

    let mut days: Vec<_> = [Mon, Tue, Wed, Thu].map(|d| (d, "09:00-16:00")).to_vec();
    days.push((Fri, "09:00-13:00"));
    days.push((Sat, "10:00-12:00"));
    let (de, en) = both(&week(&days));
    assert_eq!(
        de,
        "montags bis donnerstags von 9 bis 16 Uhr, freitags von 9 bis 13 Uhr und samstags von 10 bis 12 Uhr"
    );
    assert_eq!(
        en,
        "Monday to Thursday from 9 am to 4 pm, Friday from 9 am to 1 pm and Saturday from 10 am to noon"
    );
}

#[test]
fn non_consecutive_and_pairs() {
    let w = week(&[
        (Mon, "09:00-16:00"),
        (Wed, "09:00-16:00"),
        (Fri, "09:00-16:00"),
    ]);
    assert_eq!(
        both(&w).0,
        "montags, mittwochs und freitags von 9 bis 16 Uhr"
    );
    assert_eq!(both(&w).1, "Monday, Wednesday and Friday from 9 am to 4 pm");
    let w = week(&[(Sat, "10:00-14:00"), (Sun, "10:00-14:00")]);
    assert_eq!(both(&w).0, "samstags und sonntags von 10 bis 14 Uhr");
}

#[test]
fn all_day_and_every_day() {
    let all = [Mon, Tue, Wed, Thu, Fri, Sat, Sun];
    let w = week(&all.map(|d| (d, "00:00-24:00")));
    assert_eq!(
        both(&w),
        (
            "täglich rund um die Uhr".into(),
            "every day around the clock".into()
        )
    );
    let w = week(&[(Fri, "20:00-24:00")]);
    assert_eq!(
        both(&w),
        (
            "freitags von 20 bis Mitternacht".into(),
            "Friday from 8 pm to midnight".into()
        )
    );
}

#[test]
fn nothing_to_say() {
    assert_eq!(hours_sentence(&hotline().week, "fr"), None);
    assert_eq!(hours_sentence(&WeeklyHours::default(), "de"), None);
}

#[test]
fn next_opening() {
    let next = Berlin.with_ymd_and_hms(2026, 12, 28, 9, 0, 0).unwrap();
    assert_eq!(
        next_open_sentence(next, "de").unwrap(),
        "Wir sind am Montag, dem 28. Dezember, um 9 Uhr wieder erreichbar."
    );
    assert_eq!(
        next_open_sentence(next, "en").unwrap(),
        "We will be open again on Monday 28 December at 9 am."
    );
    let next = Berlin.with_ymd_and_hms(2026, 3, 31, 13, 30, 0).unwrap();
    assert_eq!(
        next_open_sentence(next, "de").unwrap(),
        "Wir sind am Dienstag, dem 31. März, um 13 Uhr 30 wieder erreichbar."
    );
    assert_eq!(
        next_open_sentence(next, "en").unwrap(),
        "We will be open again on Tuesday 31 March at 1:30 pm."
    );
    assert_eq!(next_open_sentence(next, "tr"), None);
}

/// One sentence, "für Sie da" nowhere: the hours alone, or led by the day
/// a holiday or closure delays the opening to.
#[test]
fn opening_in_one_sentence() {
    let week = &hotline().week;
    assert_eq!(
        opening_sentence(week, None, "de").unwrap(),
        "Sie erreichen uns montags bis freitags von 9 bis 16 Uhr."
    );
    assert_eq!(
        opening_sentence(week, None, "en").unwrap(),
        "You can reach us Monday to Friday from 9 am to 4 pm."
    );
    let easter_tuesday = Berlin.with_ymd_and_hms(2026, 4, 7, 9, 0, 0).unwrap();
    assert_eq!(
        opening_sentence(week, Some(easter_tuesday), "de").unwrap(),
        "Ab Dienstag, dem 7. April, erreichen Sie uns wieder montags bis freitags von 9 bis 16 Uhr."
    );
    assert_eq!(
        opening_sentence(week, Some(easter_tuesday), "en").unwrap(),
        "From Tuesday 7 April, you can reach us again Monday to Friday from 9 am to 4 pm."
    );
    assert_eq!(opening_sentence(&WeeklyHours::default(), None, "de"), None);
    assert_eq!(opening_sentence(week, None, "fr"), None);
}

/// "Guten Tag" at 02:30 sounds wrong; the greeting follows the local clock.
#[test]
fn greeting_by_time_of_day() {
    let at = |h, m| Berlin.with_ymd_and_hms(2026, 3, 30, h, m, 0).unwrap();
    for (h, de, en) in [
        (2, "Hallo", "Hello"),
        (5, "Guten Morgen", "Good morning"),
        (10, "Guten Morgen", "Good morning"),
        (11, "Guten Tag", "Good morning"),
        (12, "Guten Tag", "Good afternoon"),
        (17, "Guten Tag", "Good afternoon"),
        (18, "Guten Abend", "Good evening"),
        (23, "Guten Abend", "Good evening"),
        (0, "Hallo", "Hello"),
    ] {
        assert_eq!(greeting(at(h, 30), "de"), Some(de), "{h}:30");
        assert_eq!(greeting(at(h, 30), "en"), Some(en), "{h}:30");
    }
    assert_eq!(greeting(at(9, 0), "fr"), None);
}
