//! How long a schedule decision takes: on the hot path of every incoming
//! call, so it must stay far below a millisecond even when `next_open` has
//! to search past a long closure.

use chrono::{DateTime, Utc, Weekday};
use chrono_tz::Europe::Berlin;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use lotse::schedule::{Closure, DayHours, HolidayCalendar, Schedule, WeeklyHours};

fn hotline() -> Schedule {
    let hours = DayHours::parse("09:00-12:00,13:00-16:00").unwrap();
    let weekdays = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];
    Schedule {
        tz: Berlin,
        week: WeeklyHours::from_days(weekdays.map(|d| (d, hours.clone()))),
        holidays: HolidayCalendar::parse("DE-BY").unwrap(),
        // Christmas to Epiphany closed: a closed instant before it searches
        // two weeks of closures and holidays.
        closures: vec![Closure::parse("2026-12-21..2027-01-08").unwrap()],
    }
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn bench(c: &mut Criterion) {
    let s = hotline();
    let open = at("2026-03-30T10:00:00+02:00");
    let before_closure = at("2026-12-18T17:00:00+01:00");
    c.bench_function("decide/open", |b| b.iter(|| s.decide(black_box(open))));
    c.bench_function("decide/closed_before_long_closure", |b| {
        b.iter(|| s.decide(black_box(before_closure)))
    });
    c.bench_function("next_open_by_week", |b| {
        b.iter(|| s.next_open_by_week(black_box(before_closure)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
