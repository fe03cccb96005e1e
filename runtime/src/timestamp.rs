//! Instants in time: epoch seconds on the awsJson wire, RFC 3339 for people.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A Smithy `timestamp`: an instant with nanosecond precision, between the
/// years 1 and 9999 (the range RFC 3339 can write).
///
/// In awsJson it is written as epoch seconds, a JSON number: whole seconds
/// as an integer, otherwise with a fraction (`1722797135.088`).
/// [`Timestamp::parse_rfc3339`] and `Display` convert from and to RFC 3339
/// text such as `2024-08-04T18:45:35.088Z`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    seconds: i64,
    nanos: u32,
}

/// 0001-01-01T00:00:00Z.
const MIN_SECONDS: i64 = -62_135_596_800;
/// 9999-12-31T23:59:59Z.
const MAX_SECONDS: i64 = 253_402_300_799;
const NANOS_PER_SECOND: u32 = 1_000_000_000;

impl Timestamp {
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Timestamp = Timestamp { seconds: 0, nanos: 0 };

    /// The instant `seconds` after the Unix epoch plus `nanos`; `None` when
    /// `nanos` is a second or more, or the instant is outside years 1..=9999.
    pub fn from_parts(seconds: i64, nanos: u32) -> Option<Self> {
        ((MIN_SECONDS..=MAX_SECONDS).contains(&seconds) && nanos < NANOS_PER_SECOND)
            .then_some(Timestamp { seconds, nanos })
    }

    /// Whole seconds after the Unix epoch.
    pub fn from_epoch_seconds(seconds: i64) -> Option<Self> {
        Self::from_parts(seconds, 0)
    }

    /// Fractional epoch seconds, as awsJson sends them. The fraction is
    /// rounded to the microsecond: a double cannot carry more at today's
    /// epoch values, and rounding undoes its binary noise.
    pub fn from_epoch_seconds_f64(seconds: f64) -> Option<Self> {
        if !seconds.is_finite() || seconds < MIN_SECONDS as f64 || seconds > MAX_SECONDS as f64 + 1.0 {
            return None;
        }
        let micros = (seconds * 1e6).round();
        let whole = (micros / 1e6).floor();
        let nanos = ((micros - whole * 1e6) * 1e3).round() as u32;
        Self::from_parts(whole as i64, nanos)
    }

    /// Whole seconds after the Unix epoch (rounded down).
    pub fn epoch_seconds(&self) -> i64 {
        self.seconds
    }

    /// Nanoseconds past [`Timestamp::epoch_seconds`].
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Epoch seconds with the fraction, as awsJson writes them.
    pub fn as_epoch_seconds_f64(&self) -> f64 {
        self.seconds as f64 + f64::from(self.nanos) / 1e9
    }

    /// Parses Smithy's `date-time` format: RFC 3339 in UTC, ending in `Z`
    /// (`1985-04-12T23:20:50.52Z`), with no other offset, as Smithy's
    /// specification defines it and its malformed-request tests require
    /// servers to hold requests to.
    pub fn parse_date_time(text: &str) -> Result<Self, ParseTimestampError> {
        if !text.ends_with(['Z', 'z']) {
            let why = "it must be in UTC, ending in Z, with no other offset";
            return Err(ParseTimestampError { text: text.to_string(), why });
        }
        Self::parse_rfc3339(text)
    }

    /// Parses RFC 3339 text (`2024-08-04T11:45:35.088000-07:00`).
    pub fn parse_rfc3339(text: &str) -> Result<Self, ParseTimestampError> {
        let error = |why: &'static str| ParseTimestampError { text: text.to_string(), why };
        let b = text.as_bytes();
        let number = |range: std::ops::Range<usize>| -> Result<i64, ParseTimestampError> {
            let digits = b.get(range).ok_or_else(|| error("it is too short"))?;
            if !digits.iter().all(u8::is_ascii_digit) {
                return Err(error("a date or time field is not a number"));
            }
            Ok(digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
        };
        let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
        if separators.iter().any(|&(i, c)| b.get(i) != Some(&c)) || !matches!(b.get(10), Some(b'T' | b't')) {
            return Err(error("it is not in the form YYYY-MM-DDTHH:MM:SS"));
        }
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(error("the date does not exist"));
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err(error("the time of day does not exist"));
        }
        let mut at = 19;
        let mut nanos = 0u32;
        if b.get(at) == Some(&b'.') {
            let digits = b[at + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 || digits > 9 {
                return Err(error("the fraction of a second must have 1 to 9 digits"));
            }
            let fraction = number(at + 1..at + 1 + digits)? as u32;
            nanos = fraction * 10u32.pow(9 - digits as u32);
            at += 1 + digits;
        }
        let offset = match b.get(at..) {
            Some(b"Z" | b"z") => 0,
            Some([sign @ (b'+' | b'-'), _, _, b':', _, _]) => {
                let (hours, minutes) = (number(at + 1..at + 3)?, number(at + 4..at + 6)?);
                if hours > 23 || minutes > 59 {
                    return Err(error("the UTC offset does not exist"));
                }
                let offset = hours * 3600 + minutes * 60;
                if *sign == b'-' { -offset } else { offset }
            }
            _ => return Err(error("it must end in Z or a UTC offset such as +02:00")),
        };
        let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
        Self::from_parts(seconds, nanos).ok_or_else(|| error("it is outside the years 1 to 9999"))
    }
}

/// RFC 3339 in UTC, with milli-, micro- or nanoseconds as needed.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.seconds.div_euclid(86_400);
        let second_of_day = self.seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60
        )?;
        match self.nanos {
            0 => {}
            n if n % 1_000_000 == 0 => write!(f, ".{:03}", n / 1_000_000)?,
            n if n % 1_000 == 0 => write!(f, ".{:06}", n / 1_000)?,
            n => write!(f, ".{n:09}")?,
        }
        f.write_str("Z")
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl TryFrom<SystemTime> for Timestamp {
    type Error = ParseTimestampError;

    fn try_from(time: SystemTime) -> Result<Self, Self::Error> {
        let out_of_range =
            || ParseTimestampError { text: format!("{time:?}"), why: "it is outside the years 1 to 9999" };
        let (seconds, nanos) = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => (i64::try_from(after.as_secs()).map_err(|_| out_of_range())?, after.subsec_nanos()),
            Err(before) => {
                let before = before.duration();
                let seconds = -i64::try_from(before.as_secs()).map_err(|_| out_of_range())?;
                match before.subsec_nanos() {
                    0 => (seconds, 0),
                    n => (seconds - 1, NANOS_PER_SECOND - n),
                }
            }
        };
        Self::from_parts(seconds, nanos).ok_or_else(out_of_range)
    }
}

impl From<Timestamp> for SystemTime {
    fn from(t: Timestamp) -> Self {
        let nanos = Duration::from_nanos(u64::from(t.nanos));
        if t.seconds >= 0 {
            UNIX_EPOCH + Duration::from_secs(t.seconds.unsigned_abs()) + nanos
        } else {
            UNIX_EPOCH - Duration::from_secs(t.seconds.unsigned_abs()) + nanos
        }
    }
}

/// Text or a time that is not a valid [`Timestamp`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseTimestampError {
    text: String,
    why: &'static str,
}

impl fmt::Display for ParseTimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid timestamp {:?}: {}", self.text, self.why)
    }
}

impl std::error::Error for ParseTimestampError {}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.nanos == 0 {
            serializer.serialize_i64(self.seconds)
        } else {
            serializer.serialize_f64(self.as_epoch_seconds_f64())
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EpochSecondsVisitor;

        impl Visitor<'_> for EpochSecondsVisitor {
            type Value = Timestamp;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp in epoch seconds (a number between years 1 and 9999)")
            }

            fn visit_i64<E: de::Error>(self, seconds: i64) -> Result<Timestamp, E> {
                Timestamp::from_epoch_seconds(seconds)
                    .ok_or_else(|| E::custom(format_args!("timestamp {seconds} is outside the years 1 to 9999")))
            }

            fn visit_u64<E: de::Error>(self, seconds: u64) -> Result<Timestamp, E> {
                i64::try_from(seconds)
                    .ok()
                    .and_then(Timestamp::from_epoch_seconds)
                    .ok_or_else(|| E::custom(format_args!("timestamp {seconds} is outside the years 1 to 9999")))
            }

            fn visit_f64<E: de::Error>(self, seconds: f64) -> Result<Timestamp, E> {
                Timestamp::from_epoch_seconds_f64(seconds)
                    .ok_or_else(|| E::custom(format_args!("timestamp {seconds} is outside the years 1 to 9999")))
            }
        }

        deserializer.deserialize_any(EpochSecondsVisitor)
    }
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A timestamp written as RFC 3339 text (`@timestampFormat("date-time")`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(pub Timestamp);

/// A timestamp written as an HTTP date, RFC 7231's IMF-fixdate
/// (`Tue, 29 Apr 2014 18:30:38 GMT`; `@timestampFormat("http-date")`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HttpDate(pub Timestamp);

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

impl Timestamp {
    /// Parses an IMF-fixdate (`Tue, 29 Apr 2014 18:30:38 GMT`).
    pub fn parse_http_date(text: &str) -> Result<Self, ParseTimestampError> {
        let error = |why: &'static str| ParseTimestampError { text: text.to_string(), why };
        let parts: Vec<&str> = text.split(' ').collect();
        let [weekday, day, month, year, time, "GMT"] = parts.as_slice() else {
            return Err(error("it is not in the form `Tue, 29 Apr 2014 18:30:38 GMT`"));
        };
        let weekday = weekday.strip_suffix(',').ok_or_else(|| error("the weekday must end in a comma"))?;
        let month = MONTHS.iter().position(|m| m == month).ok_or_else(|| error("the month is not a month"))? as i64 + 1;
        let iso = format!("{year:0>4}-{month:02}-{day:0>2}T{time}Z");
        if day.len() != 2 || year.len() != 4 || time.len() != 8 {
            return Err(error("it is not in the form `Tue, 29 Apr 2014 18:30:38 GMT`"));
        }
        let timestamp =
            Timestamp::parse_rfc3339(&iso).map_err(|e| ParseTimestampError { text: text.to_string(), why: e.why })?;
        if WEEKDAYS[timestamp.seconds.div_euclid(86_400).rem_euclid(7) as usize] != weekday {
            return Err(error("the weekday does not match the date"));
        }
        Ok(timestamp)
    }

    /// Formats as an IMF-fixdate; the fraction of a second is dropped.
    pub fn to_http_date(&self) -> String {
        let days = self.seconds.div_euclid(86_400);
        let second_of_day = self.seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        format!(
            "{}, {day:02} {} {year:04} {:02}:{:02}:{:02} GMT",
            WEEKDAYS[days.rem_euclid(7) as usize],
            MONTHS[(month - 1) as usize],
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60
        )
    }
}

/// Serde for the text formats: write `to_text`, read with `parse`.
macro_rules! text_timestamp {
    ($name:ident, $expecting:literal, $parse:expr, $to_text:expr) => {
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let to_text: fn(&Timestamp) -> String = $to_text;
                serializer.serialize_str(&to_text(&self.0))
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct TextVisitor;

                impl Visitor<'_> for TextVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }

                    fn visit_str<E: de::Error>(self, text: &str) -> Result<$name, E> {
                        let parse: fn(&str) -> Result<Timestamp, ParseTimestampError> = $parse;
                        parse(text).map($name).map_err(E::custom)
                    }
                }

                deserializer.deserialize_str(TextVisitor)
            }
        }

        impl From<Timestamp> for $name {
            fn from(timestamp: Timestamp) -> Self {
                $name(timestamp)
            }
        }

        impl From<$name> for Timestamp {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    };
}

text_timestamp!(DateTime, "an RFC 3339 timestamp in UTC", Timestamp::parse_date_time, |t| t.to_string());
text_timestamp!(HttpDate, "an HTTP date", Timestamp::parse_http_date, Timestamp::to_http_date);
