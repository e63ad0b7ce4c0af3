//! Numbers as people read them, shared by the pages and the server's command line.

/// `n` with a comma between each group of three digits: 100000 → "100,000".
pub fn thousands(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = if n < 0 { "-".to_owned() } else { String::new() };
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `value` as one value of a URL's query: unreserved bytes as they are, a space as `+`, every
/// other byte `%XX`.
pub fn query_value(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The UTC calendar date `(year, month, day)` of day number `days` (days since 1970-01-01).
pub use cinecloud_vocab::year::civil_date;

/// Day number `days` as `2026-12-06`.
pub fn iso_day(days: i64) -> String {
    let (y, m, d) = civil_date(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Day number `days` as a chart labels it: `Dec 6`.
pub fn short_day(days: i64) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (_, m, d) = civil_date(days);
    format!("{} {d}", MONTHS[(m - 1) as usize])
}

/// Unix seconds as `2026-12-06 14:05 UTC`: the same on the server and in the browser, so the
/// hydrated page matches the rendered one.
pub fn utc_time(secs: i64) -> String {
    let minutes = secs.rem_euclid(86_400) / 60;
    format!("{} {:02}:{:02} UTC", iso_day(secs.div_euclid(86_400)), minutes / 60, minutes % 60)
}

/// Milliseconds as hours with one decimal: 5,400,000 → "1.5".
pub fn hours(ms: i64) -> String {
    format!("{:.1}", ms as f64 / 3_600_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_times_are_utc_dates() {
        assert_eq!(iso_day(0), "1970-01-01");
        assert_eq!(iso_day(20_793), "2026-12-06");
        assert_eq!(iso_day(11_016), "2000-02-29", "a leap day");
        assert_eq!(short_day(20_793), "Dec 6");
        assert_eq!(utc_time(20_793 * 86_400 + 86_399), "2026-12-06 23:59 UTC");
        assert_eq!(utc_time(-60), "1969-12-31 23:59 UTC");
        assert_eq!(utc_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_time(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc_time(1_795_350_000), "2026-11-22 12:20 UTC");
        assert_eq!([hours(5_400_000), hours(0)], ["1.5", "0.0"]);
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!([thousands(0), thousands(999), thousands(1000)], ["0", "999", "1,000"]);
        assert_eq!([thousands(100_000), thousands(1_234_567), thousands(-4321)], ["100,000", "1,234,567", "-4,321"]);
    }
}
