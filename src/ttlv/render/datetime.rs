//! Date-Time text: the `xsd:dateTime` form the XML and JSON encodings use.
//!
//! Conversions between POSIX seconds and civil UTC dates use Howard Hinnant's
//! `days_from_civil` algorithm, so no calendar crate is needed.

/// Days since 1970-01-01 for a proleptic Gregorian date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Formats POSIX seconds as `2012-04-27T08:12:21+00:00`.
pub fn format_seconds(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+00:00",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Formats POSIX microseconds as `2012-04-27T08:12:21.000123+00:00`.
pub fn format_micros(micros: i64) -> String {
    let seconds = micros.div_euclid(1_000_000);
    let fraction = micros.rem_euclid(1_000_000);
    let base = format_seconds(seconds);
    let (date_time, zone) = base.split_at(base.len() - 6);
    format!("{date_time}.{fraction:06}{zone}")
}

/// Parses `yyyy-mm-ddThh:mm:ss(.f+)?(Z|±hh:mm)?` into POSIX microseconds.
/// A missing zone means UTC.
pub fn parse_micros(text: &str) -> Option<i64> {
    let (seconds, micros) = parse_parts(text)?;
    i64::try_from(i128::from(seconds) * 1_000_000 + i128::from(micros)).ok()
}

/// Parses a Date-Time to POSIX seconds; fractional seconds are truncated, as the
/// Additional Message Encodings spec requires.
pub fn parse_seconds(text: &str) -> Option<i64> {
    parse_parts(text).map(|(seconds, _)| seconds)
}

/// Whole POSIX seconds and the microseconds within that second.
fn parse_parts(text: &str) -> Option<(i64, i64)> {
    let (negative_year, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (date, time) = body.split_once('T')?;
    let mut date_parts = date.splitn(3, '-');
    let year: i64 = date_parts.next()?.parse().ok()?;
    let month: u32 = date_parts.next()?.parse().ok()?;
    let day: u32 = date_parts.next()?.parse().ok()?;
    let year = if negative_year { -year } else { year };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || time.len() < 8 {
        return None;
    }
    let hour: i64 = time.get(0..2)?.parse().ok()?;
    let minute: i64 = time.get(3..5)?.parse().ok()?;
    let second: i64 = time.get(6..8)?.parse().ok()?;
    if time.as_bytes()[2] != b':'
        || time.as_bytes()[5] != b':'
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &time[8..];
    let mut micros = 0i64;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let kept = &fraction[..digits.min(6)];
        micros = kept.parse::<i64>().ok()? * 10i64.pow(6 - kept.len() as u32);
        rest = &fraction[digits..];
    }
    let offset_seconds = match rest {
        "" | "Z" => 0,
        zone => {
            let sign = match zone.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (h, m) = zone[1..].split_once(':')?;
            let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
            if h > 14 || m > 59 {
                return None;
            }
            sign * (h * 3600 + m * 60)
        }
    };
    if year.unsigned_abs() > 300_000_000_000 {
        return None;
    }
    let seconds = i128::from(days_from_civil(year, month, day)) * 86_400
        + i128::from(hour * 3600 + minute * 60 + second - offset_seconds);
    Some((i64::try_from(seconds).ok()?, micros))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_example_round_trips() {
        // KMIP 1.2 §9.1.2: Fri 2008-03-14 11:56:40 GMT is 0x47DA67F8.
        assert_eq!(
            parse_seconds("2008-03-14T11:56:40+00:00"),
            Some(0x47DA_67F8)
        );
        assert_eq!(format_seconds(0x47DA_67F8), "2008-03-14T11:56:40+00:00");
        // §4.1.6.11 pairs 0x3A505520 with "2001-01-01T10:00:00+10:00", but that hex
        // is 10:00 UTC; the zone offset must be applied.
        assert_eq!(parse_seconds("2001-01-01T10:00:00Z"), Some(0x3A50_5520));
        assert_eq!(
            parse_seconds("2001-01-01T20:00:00+10:00"),
            Some(0x3A50_5520)
        );
        assert_eq!(parse_seconds("2008-03-14T11:56:40.999Z"), Some(0x47DA_67F8));
    }

    #[test]
    fn extremes_and_micros() {
        for s in [
            0,
            -1,
            86_399,
            -86_400,
            253_402_300_799,
            -62_135_596_800,
            i64::MAX,
            i64::MIN,
        ] {
            assert_eq!(
                parse_seconds(&format_seconds(s)),
                Some(s),
                "{s} {}",
                format_seconds(s)
            );
        }
        for us in [0, -1, 1_234_567, -9_999_999_999, i64::MAX, i64::MIN] {
            assert_eq!(parse_micros(&format_micros(us)), Some(us), "{us}");
        }
        assert_eq!(parse_seconds("2008-13-01T00:00:00Z"), None);
        assert_eq!(parse_seconds("garbage"), None);
    }
}
