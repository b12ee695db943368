//! The availability of a defibrillator in its two layouts: `disp_j` and `disp_h`, the lists of days and hours
//! of `schema-dae` (the national export until October 2026), and `dispo_horaires`, OpenStreetMap's
//! `opening_hours` (after). A record known in one layout is given the other, so that a client of either reads
//! it:
//!
//! - from `dispo_horaires`: the days open (all seven: `7j/7`; public holidays: `jours fériés`) and the hours
//!   as their class: `24h/24` when every range is the whole day, else `heures ouvrables` for a range within
//!   08:00–20:00 and `heures de nuit` for one outside; `Mo-Su off`, which the national export writes for an
//!   unknown availability, is `non renseigné`. The classes lose the exact hours.
//! - to `dispo_horaires`: only what the lists say exactly, the days with `24h/24` (`24/7`, `Mo-Fr 00:00-24:00`)
//!   and `non renseigné` (`Mo-Su off`); `heures ouvrables` names no hours and `événements` no days, so such a
//!   record keeps no `dispo_horaires`.

/// `schema-dae`'s word for an unknown availability, alone in its list.
pub const UNKNOWN: &str = "non renseigné";
/// What the national export writes in `dispo_horaires` for an unknown availability.
const UNKNOWN_HOURS: &str = "Mo-Su off";

const WEEK: [(&str, &str); 7] = [
    ("Mo", "lundi"),
    ("Tu", "mardi"),
    ("We", "mercredi"),
    ("Th", "jeudi"),
    ("Fr", "vendredi"),
    ("Sa", "samedi"),
    ("Su", "dimanche"),
];

/// Minutes of the day where the working hours begin and end.
const WORKING: (u32, u32) = (8 * 60, 20 * 60);
const DAY: u32 = 24 * 60;

/// `disp_j` and `disp_h` (`|`-separated) for an `opening_hours` value; `None` when it is not one this reads.
pub fn lists_of(opening_hours: &str) -> Option<(String, String)> {
    let text = opening_hours.trim();
    if text == "24/7" {
        return Some(("7j/7".to_string(), "24h/24".to_string()));
    }
    let mut days = [false; 7];
    let mut holidays = false;
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for rule in text.split(';').map(str::trim).filter(|r| !r.is_empty()) {
        let (selector, times) = match rule.split_once(' ') {
            Some((selector, times)) if !selector.contains(':') => (selector, times.trim()),
            _ if rule.contains(':') => ("Mo-Su", rule),
            _ => (rule, ""),
        };
        let (week, public_holiday) = selected_days(selector)?;
        if times == "off" || times == "closed" {
            continue;
        }
        let these = time_ranges(times)?;
        for (open, day) in days.iter_mut().zip(week) {
            *open |= day;
        }
        holidays |= public_holiday;
        ranges.extend(these);
    }
    if ranges.is_empty() {
        // Closed every day: the national export's way of writing an unknown availability.
        return Some((UNKNOWN.to_string(), UNKNOWN.to_string()));
    }
    let mut day_words: Vec<&str> = if days.iter().all(|d| *d) {
        vec!["7j/7"]
    } else {
        WEEK.iter()
            .zip(days)
            .filter(|(_, open)| *open)
            .map(|((_, word), _)| *word)
            .collect()
    };
    if holidays && day_words != ["7j/7"] {
        day_words.push("jours fériés");
    }
    let hours: Vec<&str> = if ranges.iter().all(|r| *r == (0, DAY)) {
        vec!["24h/24"]
    } else {
        let working = ranges
            .iter()
            .any(|(from, to)| *from < WORKING.1 && *to > WORKING.0);
        let night = ranges
            .iter()
            .any(|(from, to)| *from < WORKING.0 || *to > WORKING.1);
        [(working, "heures ouvrables"), (night, "heures de nuit")]
            .iter()
            .filter(|(yes, _)| *yes)
            .map(|(_, word)| *word)
            .collect()
    };
    (!day_words.is_empty()).then(|| (day_words.join("|"), hours.join("|")))
}

/// `dispo_horaires` for the lists `disp_j` and `disp_h`, when they say it exactly.
pub fn opening_hours_of(days: &str, hours: &str) -> Option<String> {
    if days == UNKNOWN && hours == UNKNOWN {
        return Some(UNKNOWN_HOURS.to_string());
    }
    if hours != "24h/24" {
        return None;
    }
    let words: Vec<&str> = days.split('|').collect();
    if words.contains(&"7j/7") {
        return Some("24/7".to_string());
    }
    let open: Vec<bool> = WEEK.iter().map(|(_, word)| words.contains(word)).collect();
    let holidays = words.contains(&"jours fériés");
    let known = words
        .iter()
        .all(|w| *w == "jours fériés" || WEEK.iter().any(|(_, word)| word == w));
    if !known || !(open.contains(&true) || holidays) {
        return None;
    }
    if open.iter().all(|d| *d) {
        return Some("24/7".to_string());
    }
    let mut selector = day_selector(&open);
    if holidays {
        if !selector.is_empty() {
            selector.push(',');
        }
        selector.push_str("PH");
    }
    Some(format!("{selector} 00:00-24:00"))
}

/// The days of a selector (`Mo-Fr`, `Mo,We,Fr`, `Sa-Su,PH`), and whether it names public holidays.
fn selected_days(selector: &str) -> Option<([bool; 7], bool)> {
    let mut days = [false; 7];
    let mut holidays = false;
    for item in selector.split(',').map(str::trim) {
        if item == "PH" {
            holidays = true;
            continue;
        }
        let (from, to) = item.split_once('-').unwrap_or((item, item));
        let from = WEEK.iter().position(|(code, _)| *code == from)?;
        let to = WEEK.iter().position(|(code, _)| *code == to)?;
        // A range may wrap around the week's end (`Fr-Mo`).
        let mut day = from;
        loop {
            days[day] = true;
            if day == to {
                break;
            }
            day = (day + 1) % 7;
        }
    }
    Some((days, holidays))
}

/// The ranges of `08:00-12:00,14:00-18:00` in minutes; a range past midnight (`20:00-08:00`) counts as the
/// evening and the morning.
fn time_ranges(times: &str) -> Option<Vec<(u32, u32)>> {
    let mut ranges = Vec::new();
    for range in times.split(',').map(str::trim) {
        let (from, to) = range.split_once('-')?;
        let (from, to) = (minutes(from)?, minutes(to)?);
        if to > from {
            ranges.push((from, to));
        } else {
            ranges.push((from, DAY));
            ranges.push((0, to));
        }
    }
    Some(ranges)
}

/// `HH:MM` in minutes (up to `24:00`).
fn minutes(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// `Mo-Fr`, `Mo,We,Fr`, `Mo-We,Sa`: the open days, runs of three or more as ranges.
fn day_selector(open: &[bool]) -> String {
    let mut parts = Vec::new();
    let mut day = 0;
    while day < 7 {
        if !open[day] {
            day += 1;
            continue;
        }
        let start = day;
        while day + 1 < 7 && open[day + 1] {
            day += 1;
        }
        match day - start {
            0 => parts.push(WEEK[start].0.to_string()),
            1 => {
                parts.push(WEEK[start].0.to_string());
                parts.push(WEEK[day].0.to_string());
            }
            _ => parts.push(format!("{}-{}", WEEK[start].0, WEEK[day].0)),
        }
        day += 1;
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(text: &str) -> Option<(&'static str, &'static str)> {
        lists_of(text).map(|(d, h)| (&*d.leak(), &*h.leak()))
    }

    #[test]
    fn the_exports_values_of_october_2026_give_the_lists() {
        assert_eq!(lists("24/7"), Some(("7j/7", "24h/24")));
        assert_eq!(lists("Mo-Su off"), Some((UNKNOWN, UNKNOWN)));
        assert_eq!(
            lists("Mo-Fr 09:00-18:00; Sa-Su off"),
            Some(("lundi|mardi|mercredi|jeudi|vendredi", "heures ouvrables"))
        );
        assert_eq!(
            lists("Mo,We,Fr 18:00-23:00; PH 08:00-12:00"),
            Some((
                "lundi|mercredi|vendredi|jours fériés",
                "heures ouvrables|heures de nuit"
            ))
        );
        assert_eq!(
            lists("Sa-Su 00:00-24:00"),
            Some(("samedi|dimanche", "24h/24"))
        );
        assert_eq!(
            lists("Fr-Mo 20:00-06:00"),
            Some(("lundi|vendredi|samedi|dimanche", "heures de nuit"))
        );
        assert_eq!(lists("08:00-18:00"), Some(("7j/7", "heures ouvrables")));
        // Not a value this reads: no lists rather than wrong ones.
        for text in [
            "sunrise-sunset",
            "Mo-Fr 25:00-26:00",
            "lundi 8h-18h",
            "Xx 08:00-10:00",
        ] {
            assert_eq!(lists(text), None, "{text}");
        }
    }

    #[test]
    fn the_lists_give_opening_hours_only_when_they_say_them_exactly() {
        assert_eq!(opening_hours_of("7j/7", "24h/24").as_deref(), Some("24/7"));
        assert_eq!(
            opening_hours_of("lundi|mardi|mercredi|jeudi|vendredi", "24h/24").as_deref(),
            Some("Mo-Fr 00:00-24:00")
        );
        assert_eq!(
            opening_hours_of("mardi|lundi|jours fériés", "24h/24").as_deref(),
            Some("Mo,Tu,PH 00:00-24:00")
        );
        assert_eq!(
            opening_hours_of(
                "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche",
                "24h/24"
            )
            .as_deref(),
            Some("24/7")
        );
        assert_eq!(
            opening_hours_of(UNKNOWN, UNKNOWN).as_deref(),
            Some("Mo-Su off")
        );
        assert_eq!(opening_hours_of("lundi", "heures ouvrables"), None);
        assert_eq!(opening_hours_of("événements", "24h/24"), None);
        assert_eq!(opening_hours_of("lundi|événements", "24h/24"), None);
        assert_eq!(opening_hours_of("7j/7", "24h/24|heures ouvrables"), None);
    }

    #[test]
    fn what_is_said_exactly_comes_back_the_same() {
        for text in [
            "24/7",
            "Mo-Fr 00:00-24:00",
            "Mo,We,Sa 00:00-24:00",
            "Mo-Su off",
        ] {
            let (days, hours) = lists_of(text).expect("lists");
            assert_eq!(opening_hours_of(&days, &hours).as_deref(), Some(text));
        }
    }
}
