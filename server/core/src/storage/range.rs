//! HTTP byte ranges (RFC 9110 §14.1.2), single range only.

/// One requested byte range, before the object's length is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteRange {
    /// `bytes=START-END`, both inclusive.
    Closed(u64, u64),
    /// `bytes=START-`: from START to the end.
    From(u64),
    /// `bytes=-N`: the last N bytes.
    Suffix(u64),
}

impl ByteRange {
    /// Parses a `Range` header value. Returns `None` for anything this server does not honour
    /// (other units, several ranges, malformed text): the caller then serves the whole object,
    /// which RFC 9110 allows.
    pub fn parse_header(value: &str) -> Option<Self> {
        let spec = value.trim().strip_prefix("bytes=")?.trim();
        if spec.contains(',') {
            return None;
        }
        let (start, end) = spec.split_once('-')?;
        let (start, end) = (start.trim(), end.trim());
        match (start.is_empty(), end.is_empty()) {
            (true, false) => end.parse().ok().map(ByteRange::Suffix),
            (false, true) => start.parse().ok().map(ByteRange::From),
            (false, false) => {
                let (s, e) = (start.parse().ok()?, end.parse().ok()?);
                (s <= e).then_some(ByteRange::Closed(s, e))
            }
            (true, true) => None,
        }
    }

    /// The inclusive `(first, last)` bytes for an object of `total` bytes, or `None` when the
    /// range is unsatisfiable (416).
    pub fn resolve(self, total: u64) -> Option<(u64, u64)> {
        if total == 0 {
            return None;
        }
        match self {
            ByteRange::Closed(s, e) if s < total => Some((s, e.min(total - 1))),
            ByteRange::From(s) if s < total => Some((s, total - 1)),
            ByteRange::Suffix(n) if n > 0 => Some((total.saturating_sub(n), total - 1)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_forms() {
        assert_eq!(ByteRange::parse_header("bytes=0-99"), Some(ByteRange::Closed(0, 99)));
        assert_eq!(ByteRange::parse_header("bytes=100-"), Some(ByteRange::From(100)));
        assert_eq!(ByteRange::parse_header("bytes=-50"), Some(ByteRange::Suffix(50)));
    }

    #[test]
    fn ignores_what_it_does_not_honour() {
        for v in ["items=0-1", "bytes=0-1,5-6", "bytes=-", "bytes=9-1", "bytes=a-b", "0-1"] {
            assert_eq!(ByteRange::parse_header(v), None, "{v}");
        }
    }

    #[test]
    fn resolves_against_the_length() {
        assert_eq!(ByteRange::Closed(0, 99).resolve(50), Some((0, 49)));
        assert_eq!(ByteRange::From(10).resolve(50), Some((10, 49)));
        assert_eq!(ByteRange::Suffix(10).resolve(50), Some((40, 49)));
        assert_eq!(ByteRange::Suffix(100).resolve(50), Some((0, 49)));
        assert_eq!(ByteRange::From(50).resolve(50), None);
        assert_eq!(ByteRange::Closed(60, 70).resolve(50), None);
        assert_eq!(ByteRange::Suffix(0).resolve(50), None);
        assert_eq!(ByteRange::From(0).resolve(0), None);
    }
}
