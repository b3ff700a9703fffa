//! How a voice prompt says the opening hours and the next opening, in German
//! and English. Plain text for text-to-speech: no `09:00` (TTS engines read
//! it as a ratio or a score), German times as "9 Uhr 30".

use super::{DayHours, TimeOfDay, WeeklyHours};
use chrono::{DateTime, Datelike, Timelike};
use chrono_tz::Tz;

/// The words of one language.
struct Lang {
    /// Weekday names as used in the hours sentence, Monday first.
    days: [&'static str; 7],
    /// Weekday names in a date ("Montag, dem ..."), Monday first.
    day_names: [&'static str; 7],
    months: [&'static str; 12],
    and: &'static str,
    /// Between the first and last day of a run: "montags bis freitags".
    through: &'static str,
    every_day: &'static str,
    around_the_clock: &'static str,
}

const DE: Lang = Lang {
    days: [
        "montags",
        "dienstags",
        "mittwochs",
        "donnerstags",
        "freitags",
        "samstags",
        "sonntags",
    ],
    day_names: [
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
    ],
    months: [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    and: "und",
    through: "bis",
    every_day: "täglich",
    around_the_clock: "rund um die Uhr",
};

const EN: Lang = Lang {
    days: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    day_names: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    and: "and",
    through: "to",
    every_day: "every day",
    around_the_clock: "around the clock",
};

fn lang(code: &str) -> Option<&'static Lang> {
    match code {
        "de" => Some(&DE),
        "en" => Some(&EN),
        _ => None,
    }
}

/// The weekly hours as a sentence fragment to embed in a prompt, e.g.
/// de "montags bis freitags von 9 bis 16 Uhr", en "Monday to Friday from
/// 9 am to 4 pm". Days with equal hours are grouped, Monday first.
///
/// `None` for a language other than `"de"`/`"en"`, and for a week without
/// any hours (there is nothing true to say in a fragment).
pub fn hours_sentence(week: &WeeklyHours, lang_code: &str) -> Option<String> {
    let lang = lang(lang_code)?;
    // Distinct hours in order of their first day, each with all its days.
    let mut groups: Vec<(&DayHours, Vec<usize>)> = Vec::new();
    for (i, wd) in weekdays().enumerate() {
        let hours = week.day(wd);
        if hours.is_closed() {
            continue;
        }
        match groups.iter_mut().find(|(h, _)| *h == hours) {
            Some((_, days)) => days.push(i),
            None => groups.push((hours, vec![i])),
        }
    }
    let clauses: Vec<String> = groups
        .iter()
        .map(|(hours, days)| {
            let times = if lang_code == "de" {
                de_times(hours)
            } else {
                en_times(hours)
            };
            format!("{} {}", days_phrase(days, lang), times)
        })
        .collect();
    (!clauses.is_empty()).then(|| join(clauses, lang.and))
}

/// "Wir sind ab Montag, dem 28. Dezember, um 9 Uhr wieder für Sie da." /
/// "We are back from Monday, 28 December, at 9 am." The year is not said:
/// the next opening is at most about a year ahead, and callers need the day.
pub fn next_open_sentence(next: DateTime<Tz>, lang_code: &str) -> Option<String> {
    let l = lang(lang_code)?;
    let day = l.day_names[next.weekday().num_days_from_monday() as usize];
    let month = l.months[next.month0() as usize];
    let time = TimeOfDay::new(next.hour() as u8, next.minute() as u8).expect("a time of day");
    Some(match lang_code {
        "de" => format!(
            "Wir sind ab {day}, dem {}. {month}, um {} wieder für Sie da.",
            next.day(),
            de_time(time, true)
        ),
        _ => format!(
            "We are back from {day}, {} {month}, at {}.",
            next.day(),
            en_time(time)
        ),
    })
}

fn weekdays() -> impl Iterator<Item = chrono::Weekday> {
    (0u8..7).map(|i| chrono::Weekday::try_from(i).expect("0..7 is a weekday"))
}

/// Runs of three or more consecutive days become "montags bis mittwochs";
/// shorter runs are listed: "montags, mittwochs und freitags".
fn days_phrase(days: &[usize], l: &Lang) -> String {
    if days.len() == 7 {
        return l.every_day.to_string();
    }
    let mut items = Vec::new();
    let mut i = 0;
    while i < days.len() {
        let mut j = i;
        while j + 1 < days.len() && days[j + 1] == days[j] + 1 {
            j += 1;
        }
        if j - i >= 2 {
            items.push(format!(
                "{} {} {}",
                l.days[days[i]], l.through, l.days[days[j]]
            ));
        } else {
            items.extend(days[i..=j].iter().map(|d| l.days[*d].to_string()));
        }
        i = j + 1;
    }
    join(items, l.and)
}

/// "a", "a und b", "a, b und c".
fn join(mut items: Vec<String>, and: &str) -> String {
    let last = items.pop().unwrap_or_default();
    if items.is_empty() {
        last
    } else {
        format!("{} {and} {last}", items.join(", "))
    }
}

fn is_all_day(hours: &DayHours) -> bool {
    matches!(hours.ranges(), [r] if r.start.minutes() == 0 && r.end == TimeOfDay::END_OF_DAY)
}

/// "von 9 bis 12 und von 13 bis 16 Uhr": "Uhr" once at the end, unless a
/// time has minutes ("9 Uhr 30"), which needs it in place.
fn de_times(hours: &DayHours) -> String {
    if is_all_day(hours) {
        return DE.around_the_clock.to_string();
    }
    let n = hours.ranges().len();
    let parts: Vec<String> = hours
        .ranges()
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let end = de_time(r.end, i + 1 == n);
            format!("von {} bis {end}", de_time(r.start, false))
        })
        .collect();
    parts.join(" und ")
}

/// `with_uhr` forces "Uhr" on a whole hour (the last time said).
fn de_time(t: TimeOfDay, with_uhr: bool) -> String {
    match (t, t.minute()) {
        (TimeOfDay::END_OF_DAY, _) => "Mitternacht".to_string(),
        (_, 0) if with_uhr => format!("{} Uhr", t.hour()),
        (_, 0) => t.hour().to_string(),
        (_, m) => format!("{} Uhr {m}", t.hour()),
    }
}

fn en_times(hours: &DayHours) -> String {
    if is_all_day(hours) {
        return EN.around_the_clock.to_string();
    }
    let parts: Vec<String> = hours
        .ranges()
        .iter()
        .map(|r| format!("from {} to {}", en_time(r.start), en_time(r.end)))
        .collect();
    parts.join(" and ")
}

/// "9 am", "9:30 am", "4 pm", "noon", "midnight".
fn en_time(t: TimeOfDay) -> String {
    let (h, m) = (t.hour() % 24, t.minute());
    match (h, m) {
        (0, 0) => "midnight".to_string(),
        (12, 0) => "noon".to_string(),
        _ => {
            let h12 = if h % 12 == 0 { 12 } else { h % 12 };
            let suffix = if h < 12 { "am" } else { "pm" };
            match m {
                0 => format!("{h12} {suffix}"),
                _ => format!("{h12}:{m:02} {suffix}"),
            }
        }
    }
}
