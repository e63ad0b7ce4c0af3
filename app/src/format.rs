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

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!([thousands(0), thousands(999), thousands(1000)], ["0", "999", "1,000"]);
        assert_eq!([thousands(100_000), thousands(1_234_567), thousands(-4321)], ["100,000", "1,234,567", "-4,321"]);
    }
}
