use crate::schedule::{DayHours, HoursError, WeeklyHours};
use chrono::Weekday;

fn ok(s: &str) -> String {
    DayHours::parse(s).unwrap().to_string()
}

#[test]
fn parses_ranges() {
    assert_eq!(ok("09:00-16:00"), "09:00-16:00");
    assert_eq!(ok("09:00-12:00, 13:00-16:00"), "09:00-12:00,13:00-16:00");
    assert_eq!(ok(" 13:00-16:00 ,09:00-12:00 "), "09:00-12:00,13:00-16:00");
    assert_eq!(ok("00:00-24:00"), "00:00-24:00");
    assert_eq!(ok("9:30-16:00"), "09:30-16:00");
    assert!(DayHours::parse("").unwrap().is_closed());
    assert!(DayHours::parse("  ").unwrap().is_closed());
    assert!(!DayHours::parse("09:00-16:00").unwrap().is_closed());
}

#[test]
fn merges_touching_ranges() {
    assert_eq!(ok("09:00-12:00,12:00-16:00"), "09:00-16:00");
}

#[test]
fn refuses_bad_hours_with_clear_errors() {
    use HoursError::*;
    let err = |s: &str| DayHours::parse(s).unwrap_err();
    assert_eq!(err("16:00-09:00"), EndNotAfterStart("16:00-09:00".into()));
    assert_eq!(err("09:00-09:00"), EndNotAfterStart("09:00-09:00".into()));
    assert_eq!(err("09:00-24:30"), BadTime("24:30".into()));
    assert_eq!(err("25:00-26:00"), BadTime("25:00".into()));
    assert_eq!(err("09:60-10:00"), BadTime("09:60".into()));
    assert_eq!(err("24:00-24:00"), BadTime("24:00".into()));
    assert_eq!(err("nine to four"), Syntax("nine to four".into()));
    assert_eq!(err("09:00"), Syntax("09:00".into()));
    assert_eq!(err("0900-1600"), Syntax("0900-1600".into()));
    assert_eq!(err("09:0-16:00"), Syntax("09:0-16:00".into()));
    assert_eq!(err("09:00-16:00,"), Syntax("09:00-16:00,".into()));
    assert_eq!(
        err("09:00-12:00,11:00-13:00"),
        Overlap("09:00-12:00".into(), "11:00-13:00".into())
    );
    let msg = err("16:00-09:00").to_string();
    assert!(msg.contains("closes before"), "{msg}");
}

#[test]
fn week_from_days_and_keys() {
    let keys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let days: Vec<_> = keys
        .iter()
        .map(|k| WeeklyHours::parse_weekday_key(k).unwrap())
        .collect();
    assert_eq!(days[0], Weekday::Mon);
    assert_eq!(days[6], Weekday::Sun);
    assert_eq!(WeeklyHours::parse_weekday_key("Fri"), Some(Weekday::Fri));
    assert_eq!(WeeklyHours::parse_weekday_key("monday"), None);

    let h = DayHours::parse("09:00-16:00").unwrap();
    let week = WeeklyHours::from_days([(Weekday::Wed, h.clone())]);
    assert_eq!(week.day(Weekday::Wed), &h);
    assert!(week.day(Weekday::Mon).is_closed());
    assert!(!week.is_always_closed());
    assert!(WeeklyHours::default().is_always_closed());
}
