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

/// "Wir sind am Montag, dem 28. Dezember, um 9 Uhr wieder erreichbar." /
/// "We will be open again on Monday 28 December at 9 am." The year is not
/// said: the next opening is at most about a year ahead, and callers need
/// the day.
pub fn next_open_sentence(next: DateTime<Tz>, lang_code: &str) -> Option<String> {
    let l = lang(lang_code)?;
    let time = TimeOfDay::new(next.hour() as u8, next.minute() as u8).expect("a time of day");
    Some(match lang_code {
        "de" => format!(
            "Wir sind am {}, um {} wieder erreichbar.",
            de_date(next, l),
            de_time(time, true)
        ),
        _ => format!(
            "We will be open again on {} at {}.",
            en_date(next, l),
            en_time(time)
        ),
    })
}

/// One sentence that says when the hotline can be reached: the weekly
/// hours, led by the first day when a holiday or closure moves the next
/// opening (`delayed_until`) past what the hours promise. de "Ab Dienstag,
/// dem 7. April, erreichen Sie uns wieder montags bis freitags von 9 bis
/// 16 Uhr." / en "From Tuesday 7 April, you can reach us again Monday to
/// Friday from 9 am to 4 pm." The first opening is always the start of that
/// day's hours (holidays and closures close whole days), so the hours say
/// the time; nothing is said twice.
///
/// `None` for a language without words here or a week without any hours.
pub fn opening_sentence(
    week: &WeeklyHours,
    delayed_until: Option<DateTime<Tz>>,
    lang_code: &str,
) -> Option<String> {
    let l = lang(lang_code)?;
    let hours = hours_sentence(week, lang_code)?;
    Some(match (lang_code, delayed_until) {
        ("de", None) => format!("Sie erreichen uns {hours}."),
        ("de", Some(next)) => format!("Ab {}, erreichen Sie uns wieder {hours}.", de_date(next, l)),
        (_, None) => format!("You can reach us {hours}."),
        (_, Some(next)) => format!("From {}, you can reach us again {hours}.", en_date(next, l)),
    })
}

/// The greeting for the local time of day: de "Guten Morgen" (5 to 11),
/// "Guten Tag" (to 18), "Guten Abend" (to midnight), "Hallo" in the small
/// hours, when "Guten Tag" or "Guten Abend" would sound wrong; en "Good
/// morning" (5 to noon), "Good afternoon", "Good evening", "Hello".
pub fn greeting(local: DateTime<Tz>, lang_code: &str) -> Option<&'static str> {
    let l = lang(lang_code)?;
    let slot = match local.hour() {
        0..=4 => 3,
        h if h < l.day_from => 0,
        h if h < 18 => 1,
        _ => 2,
    };
    Some(l.greetings[slot])
}

/// "Montag, dem 28. Dezember" (dative, as after "am" and "ab").
fn de_date(day: DateTime<Tz>, l: &Lang) -> String {
    let name = l.day_names[day.weekday().num_days_from_monday() as usize];
    let month = l.months[day.month0() as usize];
    format!("{name}, dem {}. {month}", day.day())
}

/// "Monday 28 December" (British order, no comma).
fn en_date(day: DateTime<Tz>, l: &Lang) -> String {
    let name = l.day_names[day.weekday().num_days_from_monday() as usize];
    let month = l.months[day.month0() as usize];
    format!("{name} {} {month}", day.day())
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
