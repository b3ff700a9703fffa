//! Decisions at exact instants: the product's acceptance cases, the edges
//! of the hours on both sides of both 2026 DST switches, each reason.

use super::{at, hotline};
use crate::schedule::{ClosedReason, DayHours, Decision, HolidayCalendar, Schedule, WeeklyHours};
use chrono::{DateTime, Utc, Weekday};

fn open_until(d: &Decision) -> DateTime<Utc> {
    match d {
        Decision::Open { closes_at } => closes_at.with_timezone(&Utc),
        other => panic!("expected open, got {other:?}"),
    }
}

fn closed(d: &Decision) -> (&'static str, Option<DateTime<Utc>>) {
    match d {
        Decision::Closed { reason, next_open } => {
            (reason.code(), next_open.map(|n| n.with_timezone(&Utc)))
        }
        other => panic!("expected closed, got {other:?}"),
    }
}

#[test]
fn acceptance_christmas_eve_closure() {
    let d = hotline().decide(at("2026-12-24T10:00:00+01:00"));
    assert_eq!(
        closed(&d),
        ("closure", Some(at("2026-12-28T09:00:00+01:00")))
    );
    let Decision::Closed {
        next_open: Some(n), ..
    } = d
    else {
        unreachable!()
    };
    assert_eq!(n.to_rfc3339(), "2026-12-28T09:00:00+01:00");
}

#[test]
fn acceptance_good_friday() {
    let d = hotline().decide(at("2026-04-03T10:00:00+02:00"));
    let Decision::Closed {
        reason: ClosedReason::Holiday(h),
        next_open,
    } = d
    else {
        panic!("expected holiday, got {d:?}")
    };
    assert_eq!(
        (h.id, h.name_de, h.name_en),
        ("good_friday", "Karfreitag", "Good Friday")
    );
    // Easter Monday is a holiday too: back on Tuesday.
    assert_eq!(next_open.unwrap().to_rfc3339(), "2026-04-07T09:00:00+02:00");
}

#[test]
fn acceptance_first_monday_of_summer_time() {
    let d = hotline().decide(at("2026-03-30T09:00:00+02:00"));
    assert_eq!(open_until(&d), at("2026-03-30T16:00:00+02:00"));
}

/// Fridays and Mondays on both sides of both 2026 switches, with the UTC
/// instants written out: 09:00/16:00 Berlin is 08:00Z/15:00Z in winter time,
/// 07:00Z/14:00Z in summer time.
#[test]
fn edges_of_the_hours_around_both_dst_switches() {
    let s = hotline();
    // (day, 09:00 local in UTC, 16:00 local in UTC, next opening after 16:00)
    let days = [
        ("2026-03-27", "08:00", "15:00", "2026-03-30T07:00:00Z"), // Fri, CET
        ("2026-03-30", "07:00", "14:00", "2026-03-31T07:00:00Z"), // Mon, CEST
        ("2026-10-23", "07:00", "14:00", "2026-10-26T08:00:00Z"), // Fri, CEST
        ("2026-10-26", "08:00", "15:00", "2026-10-27T08:00:00Z"), // Mon, CET
    ];
    for (day, nine, four, next) in days {
        let z = |hm: &str, sec: &str| at(&format!("{day}T{hm}:{sec}Z"));
        let before = z(nine, "00") - chrono::Duration::seconds(1); // 08:59:59 local
        assert_eq!(
            closed(&s.decide(before)),
            ("before_hours", Some(z(nine, "00"))),
            "{day}"
        );
        assert_eq!(
            open_until(&s.decide(z(nine, "00"))),
            z(four, "00"),
            "{day} 09:00:00"
        );
        let last = z(four, "00") - chrono::Duration::seconds(1); // 15:59:59 local
        assert_eq!(open_until(&s.decide(last)), z(four, "00"), "{day} 15:59:59");
        assert_eq!(
            closed(&s.decide(z(four, "00"))),
            ("after_hours", Some(at(next))),
            "{day}"
        );
    }
}

#[test]
fn weekend_break_and_unknown_future() {
    let mut s = hotline();
    let sat = at("2026-03-28T12:00:00+01:00");
    assert_eq!(
        closed(&s.decide(sat)),
        ("weekend", Some(at("2026-03-30T09:00:00+02:00")))
    );

    let with_break = DayHours::parse("09:00-12:00,13:00-16:00").unwrap();
    s.week = WeeklyHours::from_days([(Weekday::Tue, with_break)]);
    let lunch = at("2026-03-31T12:30:00+02:00");
    assert_eq!(
        closed(&s.decide(lunch)),
        ("before_hours", Some(at("2026-03-31T13:00:00+02:00")))
    );
    // Monday has no hours although it is a working day: "weekend" all the same.
    let monday = at("2026-03-30T10:00:00+02:00");
    assert_eq!(closed(&s.decide(monday)).0, "weekend");

    s.week = WeeklyHours::default();
    assert_eq!(closed(&s.decide(monday)), ("weekend", None));
}

#[test]
fn all_day_every_day_closes_at_midnight() {
    let all_day = DayHours::parse("00:00-24:00").unwrap();
    let s = Schedule {
        week: WeeklyHours::from_days(
            [
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
                Weekday::Sat,
                Weekday::Sun,
            ]
            .map(|d| (d, all_day.clone())),
        ),
        holidays: HolidayCalendar::None,
        ..hotline()
    };
    // The night of the autumn switch has 25 hours; midnight is 23:00Z.
    let d = s.decide(at("2026-10-25T12:00:00+01:00"));
    assert_eq!(open_until(&d), at("2026-10-26T00:00:00+01:00"));
    let d = s.decide(at("2026-12-24T00:00:00+01:00"));
    assert_eq!(
        closed(&d),
        ("closure", Some(at("2026-12-25T00:00:00+01:00")))
    );
}

#[test]
fn next_open_by_week_shows_what_the_holiday_pushed() {
    let s = hotline();
    let thursday_evening = at("2026-04-02T17:00:00+02:00");
    let by_week = s.next_open_by_week(thursday_evening).unwrap();
    assert_eq!(by_week.with_timezone(&Utc), at("2026-04-03T09:00:00+02:00"));
    assert_eq!(
        closed(&s.decide(thursday_evening)).1,
        Some(at("2026-04-07T09:00:00+02:00"))
    );
    // Open by the week (though a holiday): the instant itself.
    let good_friday = at("2026-04-03T10:00:00+02:00");
    assert_eq!(
        s.next_open_by_week(good_friday)
            .unwrap()
            .with_timezone(&Utc),
        good_friday
    );
    let never = Schedule {
        week: WeeklyHours::default(),
        ..hotline()
    };
    assert_eq!(never.next_open_by_week(good_friday), None);
}

#[test]
fn closure_beats_holiday() {
    let mut s = hotline();
    s.closures
        .push(crate::schedule::Closure::parse("2026-12-25").unwrap());
    assert_eq!(
        closed(&s.decide(at("2026-12-25T10:00:00+01:00"))).0,
        "closure"
    );
    assert_eq!(
        closed(&s.decide(at("2026-12-26T10:00:00+01:00"))).0,
        "holiday"
    );
}
