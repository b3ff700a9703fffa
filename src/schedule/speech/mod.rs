//! How a voice prompt says the opening hours and the next opening, in German
//! and English. Plain text for text-to-speech: no `09:00` (TTS engines read
//! it as a ratio or a score), German times as "9 Uhr 30".

mod words;

use super::{DayHours, TimeOfDay, WeeklyHours};
use chrono::{DateTime, Datelike, Timelike};
use chrono_tz::Tz;
use words::{de_time, de_times, en_time, en_times, lang, Lang};

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
