//! The words and time formats of each language the prompts speak.

use crate::schedule::{DayHours, TimeOfDay};

/// The words of one language.
pub(super) struct Lang {
    /// Weekday names as used in the hours sentence, Monday first.
    pub(super) days: [&'static str; 7],
    /// Weekday names in a date ("Montag, dem ..."), Monday first.
    pub(super) day_names: [&'static str; 7],
    pub(super) months: [&'static str; 12],
    pub(super) and: &'static str,
    /// Between the first and last day of a run: "montags bis freitags".
    pub(super) through: &'static str,
    pub(super) every_day: &'static str,
    pub(super) around_the_clock: &'static str,
    /// Morning, day, evening and small-hours greetings.
    pub(super) greetings: [&'static str; 4],
    /// The hour the day greeting takes over from the morning one.
    pub(super) day_from: u32,
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
    greetings: ["Guten Morgen", "Guten Tag", "Guten Abend", "Hallo"],
    day_from: 11,
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
    greetings: ["Good morning", "Good afternoon", "Good evening", "Hello"],
    day_from: 12,
};

pub(super) fn lang(code: &str) -> Option<&'static Lang> {
    match code {
        "de" => Some(&DE),
        "en" => Some(&EN),
        _ => None,
    }
}

fn is_all_day(hours: &DayHours) -> bool {
    matches!(hours.ranges(), [r] if r.start.minutes() == 0 && r.end == TimeOfDay::END_OF_DAY)
}

/// "von 9 bis 12 und von 13 bis 16 Uhr": "Uhr" once at the end, unless a
/// time has minutes ("9 Uhr 30"), which needs it in place.
pub(super) fn de_times(hours: &DayHours) -> String {
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
pub(super) fn de_time(t: TimeOfDay, with_uhr: bool) -> String {
    match (t, t.minute()) {
        (TimeOfDay::END_OF_DAY, _) => "Mitternacht".to_string(),
        (_, 0) if with_uhr => format!("{} Uhr", t.hour()),
        (_, 0) => t.hour().to_string(),
        (_, m) => format!("{} Uhr {m}", t.hour()),
    }
}

pub(super) fn en_times(hours: &DayHours) -> String {
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
pub(super) fn en_time(t: TimeOfDay) -> String {
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
