//! Time zones, resolved without touching the machine: IANA names from the copy of the database
//! built into the program (jiff's bundled tzdb), Windows names as Outlook writes them, older
//! Outlook display names, and the zones a file defines itself (VTIMEZONE).

use super::content::Component;
use super::time::digits;
use jiff::tz::{Offset, TimeZone, TimeZoneDatabase};
use std::collections::{HashMap, HashSet};

/// How a time is read: which clocks it follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ZoneKey {
    /// No zone given: UK time, like the diary.
    Floating,
    Utc,
    Named(String),
}

#[derive(Debug, Clone)]
pub(super) struct Zone {
    pub(super) key: ZoneKey,
    pub(super) tz: TimeZone,
}

/// The time zones a file may name, resolved without touching the machine.
pub(super) struct Zones {
    db: TimeZoneDatabase,
    pub(super) london: TimeZone,
    /// Zones the file defines itself (VTIMEZONE) by rules followed exactly: a fixed offset, or
    /// summer time on a weekday of a month each year (see [`Zones::new`]).
    defined: HashMap<String, TimeZone>,
    /// Zones the file defines only by their offsets, taken as the zone with those offsets.
    guessed: HashMap<String, TimeZone>,
    /// Every TZID the file has a VTIMEZONE for, followed or not.
    named_by_file: HashSet<String>,
}

/// Windows time zone names, as Outlook writes them in TZID, and their IANA zones (from the
/// Unicode CLDR table windowsZones.xml, territory "001").
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("Dateline Standard Time", "Etc/GMT+12"),
    ("UTC-11", "Etc/GMT+11"),
    ("Aleutian Standard Time", "America/Adak"),
    ("Hawaiian Standard Time", "Pacific/Honolulu"),
    ("Marquesas Standard Time", "Pacific/Marquesas"),
    ("Alaskan Standard Time", "America/Anchorage"),
    ("UTC-09", "Etc/GMT+9"),
    ("Pacific Standard Time (Mexico)", "America/Tijuana"),
    ("UTC-08", "Etc/GMT+8"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("US Mountain Standard Time", "America/Phoenix"),
    ("Mountain Standard Time (Mexico)", "America/Mazatlan"),
    ("Mountain Standard Time", "America/Denver"),
    ("Yukon Standard Time", "America/Whitehorse"),
    ("Central America Standard Time", "America/Guatemala"),
    ("Central Standard Time", "America/Chicago"),
    ("Easter Island Standard Time", "Pacific/Easter"),
    ("Central Standard Time (Mexico)", "America/Mexico_City"),
    ("Canada Central Standard Time", "America/Regina"),
    ("SA Pacific Standard Time", "America/Bogota"),
    ("Eastern Standard Time (Mexico)", "America/Cancun"),
    ("Eastern Standard Time", "America/New_York"),
    ("Haiti Standard Time", "America/Port-au-Prince"),
    ("Cuba Standard Time", "America/Havana"),
    ("US Eastern Standard Time", "America/Indiana/Indianapolis"),
    ("Turks And Caicos Standard Time", "America/Grand_Turk"),
    ("Paraguay Standard Time", "America/Asuncion"),
    ("Atlantic Standard Time", "America/Halifax"),
    ("Venezuela Standard Time", "America/Caracas"),
    ("Central Brazilian Standard Time", "America/Cuiaba"),
    ("SA Western Standard Time", "America/La_Paz"),
    ("Pacific SA Standard Time", "America/Santiago"),
    ("Newfoundland Standard Time", "America/St_Johns"),
    ("Tocantins Standard Time", "America/Araguaina"),
    ("E. South America Standard Time", "America/Sao_Paulo"),
    ("SA Eastern Standard Time", "America/Cayenne"),
    ("Argentina Standard Time", "America/Argentina/Buenos_Aires"),
    ("Greenland Standard Time", "America/Nuuk"),
    ("Montevideo Standard Time", "America/Montevideo"),
    ("Magallanes Standard Time", "America/Punta_Arenas"),
    ("Saint Pierre Standard Time", "America/Miquelon"),
    ("Bahia Standard Time", "America/Bahia"),
    ("UTC-02", "Etc/GMT+2"),
    ("Mid-Atlantic Standard Time", "Etc/GMT+2"),
    ("Azores Standard Time", "Atlantic/Azores"),
    ("Cape Verde Standard Time", "Atlantic/Cape_Verde"),
    ("UTC", "Etc/UTC"),
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("Sao Tome Standard Time", "Africa/Sao_Tome"),
    ("Morocco Standard Time", "Africa/Casablanca"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Romance Standard Time", "Europe/Paris"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("W. Central Africa Standard Time", "Africa/Lagos"),
    ("Jordan Standard Time", "Asia/Amman"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("Middle East Standard Time", "Asia/Beirut"),
    ("Egypt Standard Time", "Africa/Cairo"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("Syria Standard Time", "Asia/Damascus"),
    ("West Bank Standard Time", "Asia/Hebron"),
    ("South Africa Standard Time", "Africa/Johannesburg"),
    ("FLE Standard Time", "Europe/Kyiv"),
    ("Israel Standard Time", "Asia/Jerusalem"),
    ("South Sudan Standard Time", "Africa/Juba"),
    ("Kaliningrad Standard Time", "Europe/Kaliningrad"),
    ("Sudan Standard Time", "Africa/Khartoum"),
    ("Libya Standard Time", "Africa/Tripoli"),
    ("Namibia Standard Time", "Africa/Windhoek"),
    ("Arabic Standard Time", "Asia/Baghdad"),
    ("Turkey Standard Time", "Europe/Istanbul"),
    ("Arab Standard Time", "Asia/Riyadh"),
    ("Belarus Standard Time", "Europe/Minsk"),
    ("Russian Standard Time", "Europe/Moscow"),
    ("E. Africa Standard Time", "Africa/Nairobi"),
    ("Volgograd Standard Time", "Europe/Volgograd"),
    ("Iran Standard Time", "Asia/Tehran"),
    ("Arabian Standard Time", "Asia/Dubai"),
    ("Astrakhan Standard Time", "Europe/Astrakhan"),
    ("Azerbaijan Standard Time", "Asia/Baku"),
    ("Russia Time Zone 3", "Europe/Samara"),
    ("Mauritius Standard Time", "Indian/Mauritius"),
    ("Saratov Standard Time", "Europe/Saratov"),
    ("Georgian Standard Time", "Asia/Tbilisi"),
    ("Caucasus Standard Time", "Asia/Yerevan"),
    ("Afghanistan Standard Time", "Asia/Kabul"),
    ("West Asia Standard Time", "Asia/Tashkent"),
    ("Ekaterinburg Standard Time", "Asia/Yekaterinburg"),
    ("Pakistan Standard Time", "Asia/Karachi"),
    ("Qyzylorda Standard Time", "Asia/Qyzylorda"),
    ("India Standard Time", "Asia/Kolkata"),
    ("Sri Lanka Standard Time", "Asia/Colombo"),
    ("Nepal Standard Time", "Asia/Kathmandu"),
    ("Central Asia Standard Time", "Asia/Almaty"),
    ("Bangladesh Standard Time", "Asia/Dhaka"),
    ("Omsk Standard Time", "Asia/Omsk"),
    ("Myanmar Standard Time", "Asia/Yangon"),
    ("SE Asia Standard Time", "Asia/Bangkok"),
    ("Altai Standard Time", "Asia/Barnaul"),
    ("W. Mongolia Standard Time", "Asia/Hovd"),
    ("North Asia Standard Time", "Asia/Krasnoyarsk"),
    ("N. Central Asia Standard Time", "Asia/Novosibirsk"),
    ("Tomsk Standard Time", "Asia/Tomsk"),
    ("China Standard Time", "Asia/Shanghai"),
    ("North Asia East Standard Time", "Asia/Irkutsk"),
    ("Singapore Standard Time", "Asia/Singapore"),
    ("W. Australia Standard Time", "Australia/Perth"),
    ("Taipei Standard Time", "Asia/Taipei"),
    ("Ulaanbaatar Standard Time", "Asia/Ulaanbaatar"),
    ("Aus Central W. Standard Time", "Australia/Eucla"),
    ("Transbaikal Standard Time", "Asia/Chita"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("North Korea Standard Time", "Asia/Pyongyang"),
    ("Korea Standard Time", "Asia/Seoul"),
    ("Yakutsk Standard Time", "Asia/Yakutsk"),
    ("Cen. Australia Standard Time", "Australia/Adelaide"),
    ("AUS Central Standard Time", "Australia/Darwin"),
    ("E. Australia Standard Time", "Australia/Brisbane"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("West Pacific Standard Time", "Pacific/Port_Moresby"),
    ("Tasmania Standard Time", "Australia/Hobart"),
    ("Vladivostok Standard Time", "Asia/Vladivostok"),
    ("Lord Howe Standard Time", "Australia/Lord_Howe"),
    ("Bougainville Standard Time", "Pacific/Bougainville"),
    ("Russia Time Zone 10", "Asia/Srednekolymsk"),
    ("Magadan Standard Time", "Asia/Magadan"),
    ("Norfolk Standard Time", "Pacific/Norfolk"),
    ("Sakhalin Standard Time", "Asia/Sakhalin"),
    ("Central Pacific Standard Time", "Pacific/Guadalcanal"),
    ("Russia Time Zone 11", "Asia/Kamchatka"),
    ("New Zealand Standard Time", "Pacific/Auckland"),
    ("UTC+12", "Etc/GMT-12"),
    ("Fiji Standard Time", "Pacific/Fiji"),
    ("Chatham Islands Standard Time", "Pacific/Chatham"),
    ("UTC+13", "Etc/GMT-13"),
    ("Tonga Standard Time", "Pacific/Tongatapu"),
    ("Samoa Standard Time", "Pacific/Apia"),
    ("Line Islands Standard Time", "Pacific/Kiritimati"),
];

/// Words in the display names older Outlook versions put in TZID, such as
/// "(UTC+00:00) Dublin, Edinburgh, Lisbon, London", and their IANA zones.
const DISPLAY_NAMES: &[(&str, &str)] = &[
    ("london", "Europe/London"),
    ("coordinated universal time", "UTC"),
    ("amsterdam", "Europe/Berlin"),
    ("paris", "Europe/Paris"),
    ("belgrade, bratislava", "Europe/Budapest"),
    ("sarajevo, skopje, warsaw", "Europe/Warsaw"),
    ("athens, bucharest", "Europe/Bucharest"),
    ("helsinki, kyiv", "Europe/Kiev"),
    ("jerusalem", "Asia/Jerusalem"),
    ("cairo", "Africa/Cairo"),
    ("moscow, st. petersburg", "Europe/Moscow"),
    ("istanbul", "Europe/Istanbul"),
    ("monrovia, reykjavik", "Atlantic/Reykjavik"),
    ("azores", "Atlantic/Azores"),
    ("abu dhabi, muscat", "Asia/Dubai"),
    ("karachi", "Asia/Karachi"),
    ("chennai, kolkata, mumbai, new delhi", "Asia/Kolkata"),
    ("dhaka", "Asia/Dhaka"),
    ("bangkok, hanoi, jakarta", "Asia/Bangkok"),
    ("beijing, chongqing, hong kong", "Asia/Shanghai"),
    ("kuala lumpur, singapore", "Asia/Singapore"),
    ("perth", "Australia/Perth"),
    ("osaka, sapporo, tokyo", "Asia/Tokyo"),
    ("seoul", "Asia/Seoul"),
    ("adelaide", "Australia/Adelaide"),
    ("brisbane", "Australia/Brisbane"),
    ("canberra, melbourne, sydney", "Australia/Sydney"),
    ("auckland, wellington", "Pacific/Auckland"),
    ("hawaii", "Pacific/Honolulu"),
    ("alaska", "America/Anchorage"),
    ("pacific time (us & canada)", "America/Los_Angeles"),
    ("mountain time (us & canada)", "America/Denver"),
    ("arizona", "America/Phoenix"),
    ("central time (us & canada)", "America/Chicago"),
    ("eastern time (us & canada)", "America/New_York"),
    ("atlantic time (canada)", "America/Halifax"),
    ("newfoundland", "America/St_Johns"),
    ("brasilia", "America/Sao_Paulo"),
    ("buenos aires", "America/Argentina/Buenos_Aires"),
    ("johannesburg", "Africa/Johannesburg"),
    ("nairobi", "Africa/Nairobi"),
    ("west central africa", "Africa/Lagos"),
];

/// The UK's rule since 1996, for the unlikely build without a bundled database.
const LONDON_RULE: &str = "GMT0BST,M3.5.0/1,M10.5.0";

/// `+0100` or `-053000` as seconds east of UTC.
fn parse_offset(text: &str) -> Option<i32> {
    let t = text.trim();
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    if !matches!(rest.len(), 4 | 6) {
        return None;
    }
    let hours = digits(&rest[..2])?;
    let minutes = digits(&rest[2..4])?;
    let seconds = if rest.len() == 6 {
        digits(&rest[4..])?
    } else {
        0
    };
    i32::try_from(sign * (hours * 3600 + minutes * 60 + seconds)).ok()
}

/// `-5` hours as POSIX writes an offset: west of Greenwich positive, `5`, `4:30`, `-5:45`.
fn posix_offset(seconds_east: i32) -> String {
    let west = -seconds_east;
    let (sign, a) = if west < 0 { ("-", -west) } else { ("", west) };
    let (h, m, s) = (a / 3600, a % 3600 / 60, a % 60);
    match (m, s) {
        (0, 0) => format!("{sign}{h}"),
        (_, 0) => format!("{sign}{h}:{m:02}"),
        _ => format!("{sign}{h}:{m:02}:{s:02}"),
    }
}

/// When a STANDARD or DAYLIGHT part starts each year, as a POSIX rule (`M3.5.0/1`): from
/// `RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU` and the local time of its DTSTART.
fn posix_when(part: &Component) -> Option<String> {
    let rule = part.first("RRULE")?.value.to_ascii_uppercase();
    let mut month = None;
    let mut day = None;
    let mut yearly = false;
    for item in rule.split(';') {
        let (k, v) = item.split_once('=')?;
        match k.trim() {
            "FREQ" => yearly = v.trim() == "YEARLY",
            "BYMONTH" => month = v.trim().parse::<u8>().ok().filter(|m| (1..=12).contains(m)),
            "BYDAY" => day = Some(v.trim().to_string()),
            "UNTIL" | "INTERVAL" | "WKST" => {}
            _ => return None,
        }
    }
    let (month, day) = (month?, day?);
    if !yearly {
        return None;
    }
    // The weekday is the last two characters; a split inside a character is no rule at all.
    let (n, name) = day.split_at_checked(day.len().checked_sub(2)?)?;
    if n.is_empty() {
        return None;
    }
    let weekday = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
        .iter()
        .position(|d| *d == name)?;
    let week = match n.trim_start_matches('+').parse::<i8>().ok()? {
        n @ 1..=4 => n,
        -1 | 5 => 5,
        _ => return None,
    };
    // The time of day the change happens, on the clocks before it (DTSTART's local time).
    let start = part.first("DTSTART")?.value.trim().to_string();
    let time = start.split_once('T').map_or("020000", |(_, t)| t);
    let (h, m, s) = (
        digits(time.get(..2)?)?,
        digits(time.get(2..4)?)?,
        digits(time.get(4..6)?)?,
    );
    Some(format!("M{month}.{week}.{weekday}/{h}:{m:02}:{s:02}"))
}

/// A POSIX time zone rule (`STD5DST4,M3.2.0/2:00:00,M11.1.0/2:00:00`) from a VTIMEZONE's
/// latest STANDARD and DAYLIGHT parts, when both repeat yearly on a weekday of a month.
fn posix_rule(standard: i32, sc: &Component, daylight: i32, dc: &Component) -> Option<String> {
    Some(format!(
        "STD{}DST{},{},{}",
        posix_offset(standard),
        posix_offset(daylight),
        posix_when(dc)?,
        posix_when(sc)?
    ))
}

impl Zones {
    /// Reads the file's own zone definitions (RFC 5545 VTIMEZONE), which Outlook writes under
    /// names no database knows ("Customized Time Zone", "(UTC-05:00) Eastern Time (US &
    /// Canada)"). A zone without summer time is fixed; one whose summer time starts and ends on
    /// a weekday of a month each year (`RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU`) follows those
    /// rules exactly, from its latest definition; failing that, winter and summer offsets of
    /// London, Paris or Athens are taken as theirs. Anything else stays unknown, and an event
    /// that uses it is left out.
    pub(super) fn new(vtimezones: &[&Component]) -> Zones {
        let db = TimeZoneDatabase::bundled();
        let london = db
            .get("Europe/London")
            .or_else(|_| TimeZone::posix(LONDON_RULE))
            .expect("the UK's POSIX time zone rule is a constant that parses");
        let mut defined = HashMap::new();
        let mut guessed = HashMap::new();
        let mut named_by_file = HashSet::new();
        for vtz in vtimezones {
            let Some(id) = vtz.first("TZID").map(|p| p.value.trim().to_string()) else {
                continue;
            };
            // The latest definition of each kind: DTSTART values have one format, so they
            // compare as text.
            let latest = |kind: &str| {
                vtz.children
                    .iter()
                    .filter(|c| c.name == kind)
                    .filter_map(|c| {
                        let offset = parse_offset(&c.first("TZOFFSETTO")?.value)?;
                        let since = c.first("DTSTART").map_or("", |p| p.value.as_str());
                        Some((since, offset, c))
                    })
                    .max_by(|a, b| a.0.cmp(b.0))
            };
            let (standard, daylight) = (latest("STANDARD"), latest("DAYLIGHT"));
            named_by_file.insert(id.clone());
            match (standard, daylight) {
                (Some((_, s, _)), d) if d.is_none_or(|d| d.1 == s) => {
                    if let Ok(offset) = Offset::from_seconds(s) {
                        defined.insert(id, TimeZone::fixed(offset));
                    }
                }
                // Summer time by yearly rules, as RFC 5545 defines it: followed exactly.
                (Some((_, s, sc)), Some((_, d, dc))) => {
                    match posix_rule(s, sc, d, dc).and_then(|rule| TimeZone::posix(&rule).ok()) {
                        Some(tz) => {
                            defined.insert(id, tz);
                        }
                        None => {
                            let like = match (s, d) {
                                (0, 3600) => Some(london.clone()),
                                (3600, 7200) => db.get("Europe/Paris").ok(),
                                (7200, 10800) => db.get("Europe/Athens").ok(),
                                _ => None,
                            };
                            if let Some(tz) = like {
                                guessed.insert(id, tz);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Zones {
            db,
            london,
            defined,
            guessed,
            named_by_file,
        }
    }

    /// Whether the file has a VTIMEZONE with this TZID, followed or not.
    pub(super) fn defines(&self, tzid: &str) -> bool {
        self.named_by_file.contains(tzid.trim())
    }

    pub(super) fn floating(&self) -> Zone {
        Zone {
            key: ZoneKey::Floating,
            tz: self.london.clone(),
        }
    }

    fn named(&self, iana: &str) -> Option<Zone> {
        let tz = self.db.get(iana).ok()?;
        let key = ZoneKey::Named(tz.iana_name().unwrap_or(iana).to_string());
        Some(Zone { key, tz })
    }

    /// The zone a TZID names, in this order: an IANA name; the file's own definition when its
    /// rules can be followed exactly (RFC 5545: a TZID names the file's VTIMEZONE); a Windows
    /// name; an IANA name at the end of a path (`/mozilla.org/20050126_1/Europe/London`); an
    /// Outlook display name; and last a definition known only by its offsets.
    pub(super) fn resolve(&self, tzid: &str) -> Option<Zone> {
        let t = tzid.trim();
        // A long name is no zone; stopping here also bounds the path search below.
        if t.is_empty() || t.len() > 200 {
            return None;
        }
        if let Some(zone) = self.named(t) {
            return Some(zone);
        }
        let own = |map: &HashMap<String, TimeZone>| {
            map.get(t).map(|tz| Zone {
                key: ZoneKey::Named(t.to_string()),
                tz: tz.clone(),
            })
        };
        if let Some(zone) = own(&self.defined) {
            return Some(zone);
        }
        if let Some((_, iana)) = WINDOWS_ZONES
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(t))
        {
            return self.named(iana);
        }
        for (i, _) in t.match_indices('/') {
            if let Some(zone) = self.named(&t[i + 1..]) {
                return Some(zone);
            }
        }
        if t.starts_with('(') {
            let lower = t.to_lowercase();
            if let Some((_, iana)) = DISPLAY_NAMES.iter().find(|(w, _)| lower.contains(w)) {
                return self.named(iana);
            }
        }
        own(&self.guessed)
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::fixtures::{cal, ev, london, minutes, suggest};
    use swforce_domain::diary::Activity;

    #[test]
    fn floating_times_are_taken_as_uk_time() {
        let text = cal(&[ev(&[
            "SUMMARY:Case notes",
            "DTSTART:20250330T223000",
            "DTEND:20250330T233000",
        ])]);
        // 22:30-23:30 BST is inside the week that ends at midnight.
        assert_eq!(
            minutes(&suggest(&text, "2025-03-24"), Activity::CaseRecording),
            60
        );
    }

    #[test]
    fn outlooks_gmt_standard_time_is_london_and_other_windows_names_are_known() {
        let text = cal(&[ev(&[
            "SUMMARY:Admin",
            "DTSTART;TZID=GMT Standard Time:20250330T233000",
            "DTEND;TZID=GMT Standard Time:20250331T003000",
        ])]);
        // On London clocks: 30 minutes before midnight, 30 after.
        assert_eq!(
            minutes(&suggest(&text, "2025-03-24"), Activity::AdminIt),
            30
        );
        let zones = Zones::new(&[]);
        for (windows, iana) in WINDOWS_ZONES {
            assert!(zones.resolve(windows).is_some(), "{windows} -> {iana}");
        }
        for name in [
            "(UTC+00:00) Dublin, Edinburgh, Lisbon, London",
            "/mozilla.org/20050126_1/Europe/London",
            "europe/london",
        ] {
            let zone = zones.resolve(name).unwrap();
            assert_eq!(zone.key, ZoneKey::Named("Europe/London".into()), "{name}");
        }
    }

    #[test]
    fn a_zone_the_file_defines_by_uk_offsets_is_read_as_london() {
        let text = format!(
            "BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:Customized Time Zone\nBEGIN:STANDARD\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0000\nEND:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010101T010000\nTZOFFSETFROM:+0000\nTZOFFSETTO:+0100\nEND:DAYLIGHT\nEND:VTIMEZONE\n{}END:VCALENDAR\n",
            ev(&[
                "SUMMARY:Panel",
                "DTSTART;TZID=Customized Time Zone:20250330T233000",
                "DTEND;TZID=Customized Time Zone:20250331T003000",
            ])
        );
        // On London clocks half an hour is before midnight; on GMT or UTC none would be.
        assert_eq!(
            minutes(&suggest(&text, "2025-03-24"), Activity::Meetings),
            30
        );
    }

    #[test]
    fn outlook_display_names_need_no_definition_and_the_files_own_rules_come_first() {
        let at = |tzid: &str, more: &str| {
            let text = format!(
                "BEGIN:VCALENDAR\n{more}BEGIN:VEVENT\nSUMMARY:Home visit\nDTSTART;TZID=\"{tzid}\":20260310T100000\nDTEND;TZID=\"{tzid}\":20260310T110000\nEND:VEVENT\nEND:VCALENDAR\n"
            );
            let s = suggest(&text, "2026-03-09");
            s.events
                .first()
                .map(|e| e.starts.clone())
                .unwrap_or_default()
        };
        // 10:00 in New York on 10 March 2026 (summer time since 8 March) is 14:00 in London.
        assert_eq!(
            at("(UTC-05:00) Eastern Time (US & Canada)", ""),
            "Tue 10 Mar 14:00"
        );
        assert_eq!(
            at("(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi", ""),
            "Tue 10 Mar 04:30"
        );
        // Sydney is on summer time (UTC+11) until April.
        assert_eq!(
            at("(UTC+10:00) Canberra, Melbourne, Sydney", ""),
            "Mon 9 Mar 23:00"
        );
        // A file that defines "Eastern Standard Time" by the rules before 2007 (summer time from
        // the first Sunday in April) is read by its own rules: still winter time, 15:00.
        let old_rules = "BEGIN:VTIMEZONE\nTZID:Eastern Standard Time\nBEGIN:STANDARD\nDTSTART:16011028T020000\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nEND:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010401T020000\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nEND:DAYLIGHT\nEND:VTIMEZONE\n";
        assert_eq!(at("Eastern Standard Time", old_rules), "Tue 10 Mar 15:00");
        assert_eq!(at("Eastern Standard Time", ""), "Tue 10 Mar 14:00");
        // A zone the file defines by rules that cannot be followed is said to be so.
        let by_dates = "BEGIN:VTIMEZONE\nTZID:Odd Time\nBEGIN:STANDARD\nDTSTART:20251026T020000\nRDATE:20261025T020000\nTZOFFSETFROM:+0500\nTZOFFSETTO:+0400\nEND:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:20260329T020000\nRDATE:20260329T020000\nTZOFFSETFROM:+0400\nTZOFFSETTO:+0500\nEND:DAYLIGHT\nEND:VTIMEZONE\n";
        let text = format!(
            "BEGIN:VCALENDAR\n{by_dates}BEGIN:VEVENT\nDTSTART;TZID=Odd Time:20260310T100000\nDTEND;TZID=Odd Time:20260310T110000\nEND:VEVENT\nEND:VCALENDAR\n"
        );
        let s = suggest(&text, "2026-03-09");
        assert!(
            s.left_out[0]
                .why
                .contains("defines with rules this service cannot follow"),
            "{:?}",
            s.left_out
        );
    }

    #[test]
    fn a_zone_rule_with_a_character_split_by_its_weekday_is_not_followed_and_does_not_panic() {
        // Found by fuzzing: a two-byte character where the weekday's first letter should be.
        let odd = "BEGIN:VTIMEZONE\nTZID:Odd Time\nBEGIN:STANDARD\nDTSTART:16011028T020000\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0000\nEND:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010325T010000\nRRULE:FREQ=YEARLY;BYDAY=-\u{4ec}U;BYMONTH=3\nTZOFFSETFROM:+0000\nTZOFFSETTO:+0100\nEND:DAYLIGHT\nEND:VTIMEZONE\n";
        let text = format!(
            "BEGIN:VCALENDAR\n{odd}BEGIN:VEVENT\nDTSTART;TZID=Odd Time:20250325T100000\nDTEND;TZID=Odd Time:20250325T110000\nEND:VEVENT\nEND:VCALENDAR\n"
        );
        let s = suggest(&text, "2025-03-24");
        assert_eq!(
            s.events_counted + s.left_out.len() as u32,
            1,
            "{:?}",
            s.left_out
        );
    }

    #[test]
    fn an_unknown_time_zone_leaves_only_its_event_out() {
        let text = cal(&[
            ev(&[
                "DTSTART;TZID=Narnia Standard Time:20250324T090000",
                "DTEND;TZID=Narnia Standard Time:20250324T100000",
            ]),
            london("Home visit", "20250325T100000", "20250325T120000"),
        ]);
        let s = suggest(&text, "2025-03-24");
        assert_eq!(s.events_counted, 1);
        assert_eq!(minutes(&s, Activity::DirectFaceToFace), 120);
        assert_eq!(s.left_out.len(), 1);
        assert_eq!(s.left_out[0].line, 4);
        assert!(
            s.left_out[0].why.contains("\"Narnia Standard Time\""),
            "{}",
            s.left_out[0].why
        );
    }
}
