//! Rating files in the MovieLens formats: tab- or space-separated `user item rating timestamp`
//! (`u.data`), `::`-separated (`ratings.dat`), and CSV with a header (`ratings.csv`). The format
//! is recognised from the first line that is not blank.

use std::{fmt, io::BufRead};

/// One line of a rating file.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RatingRecord {
    /// The file's user id.
    pub user: u64,
    /// The file's item (movie) id.
    pub item: u64,
    /// The rating as written; for implicit data only its presence counts.
    pub rating: f32,
    /// Seconds since 1970 when the file has them.
    pub timestamp: Option<i64>,
}

/// A file that could not be read, naming the line (1-based) where it went wrong.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("line {line}: {message}")]
pub struct ParseError {
    /// 1-based line number; 0 for errors not tied to a line.
    pub line: usize,
    /// What is wrong, in words.
    pub message: String,
}

/// How the fields of a line are separated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Tabs or spaces: `u.data`.
    Whitespace,
    /// `::`: the 1M and 10M `ratings.dat`.
    DoubleColon,
    /// Commas: `ratings.csv`, with or without a header.
    Csv,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Whitespace => "tab-separated",
            Format::DoubleColon => "'::'-separated",
            Format::Csv => "CSV",
        })
    }
}

/// Recognises the format of `line`, the first line of a file that is not blank.
pub fn detect(line: &str) -> Format {
    if line.contains("::") {
        Format::DoubleColon
    } else if line.contains(',') {
        Format::Csv
    } else {
        Format::Whitespace
    }
}

fn fields(line: &str, format: Format) -> Vec<&str> {
    match format {
        Format::Whitespace => line.split_whitespace().collect(),
        Format::DoubleColon => line.split("::").map(str::trim).collect(),
        Format::Csv => line.split(',').map(str::trim).collect(),
    }
}

fn looks_like_header(fields: &[&str]) -> bool {
    fields.first().is_some_and(|f| f.parse::<u64>().is_err())
}

/// Parses one non-blank line.
fn parse_line(line: &str, format: Format, number: usize) -> Result<RatingRecord, ParseError> {
    let err = |message: String| ParseError { line: number, message };
    let parts = fields(line, format);
    if !(3..=4).contains(&parts.len()) {
        return Err(err(format!(
            "expected 3 or 4 {format} fields (user, item, rating[, timestamp]), found {}",
            parts.len()
        )));
    }
    let id =
        |what: &str, s: &str| s.parse::<u64>().map_err(|_| err(format!("the {what} id {s:?} is not a whole number")));
    let user = id("user", parts[0])?;
    let item = id("item", parts[1])?;
    let rating = parts[2]
        .parse::<f32>()
        .ok()
        .filter(|r| r.is_finite())
        .ok_or_else(|| err(format!("the rating {:?} is not a number", parts[2])))?;
    let timestamp = match parts.get(3) {
        None | Some(&"") => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| err(format!("the timestamp {s:?} is not a whole number")))?),
    };
    Ok(RatingRecord { user, item, rating, timestamp })
}

/// The ratings of a file one at a time, for files too large to hold at once (ml-25m has 25
/// million lines). Blank lines are skipped; a CSV header is recognised by a first field that is
/// not a number.
pub struct RatingReader<R> {
    lines: std::io::Lines<R>,
    number: usize,
    format: Option<Format>,
}

impl<R: BufRead> RatingReader<R> {
    /// Reads from `reader`.
    pub fn new(reader: R) -> Self {
        RatingReader { lines: reader.lines(), number: 0, format: None }
    }
}

impl<R: BufRead> Iterator for RatingReader<R> {
    type Item = Result<RatingRecord, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let line = self.lines.next()?;
            self.number += 1;
            let number = self.number;
            let line = match line {
                Ok(line) => line,
                Err(e) => return Some(Err(ParseError { line: number, message: format!("cannot read: {e}") })),
            };
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let format = match self.format {
                Some(f) => f,
                None => {
                    let f = detect(line);
                    self.format = Some(f);
                    if f == Format::Csv && looks_like_header(&fields(line, f)) {
                        continue;
                    }
                    f
                }
            };
            return Some(parse_line(line, format, number));
        }
    }
}

/// Reads every rating of a file in any of the supported formats (see [`RatingReader`]).
pub fn read_ratings(reader: impl BufRead) -> Result<Vec<RatingRecord>, ParseError> {
    RatingReader::new(reader).collect()
}

/// Reads a rating file from disk; the error names the file and the line.
pub fn read_ratings_file(path: &std::path::Path) -> Result<Vec<RatingRecord>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    read_ratings(std::io::BufReader::with_capacity(1 << 20, file)).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<RatingRecord>, ParseError> {
        read_ratings(text.as_bytes())
    }

    fn rec(user: u64, item: u64, rating: f32, timestamp: Option<i64>) -> RatingRecord {
        RatingRecord { user, item, rating, timestamp }
    }

    #[test]
    fn reads_u_data() {
        let got = read("196\t242\t3\t881250949\n186\t302\t3\t891717742\n").unwrap();
        assert_eq!(got, vec![rec(196, 242, 3.0, Some(881250949)), rec(186, 302, 3.0, Some(891717742))]);
    }

    #[test]
    fn reads_space_separated_without_timestamps() {
        assert_eq!(read("1 2 4.5\n\n3  4 1\n").unwrap(), vec![rec(1, 2, 4.5, None), rec(3, 4, 1.0, None)]);
    }

    #[test]
    fn reads_ratings_dat() {
        let got = read("1::1193::5::978300760\r\n1::661::3::978302109\r\n").unwrap();
        assert_eq!(got, vec![rec(1, 1193, 5.0, Some(978300760)), rec(1, 661, 3.0, Some(978302109))]);
    }

    #[test]
    fn reads_ratings_csv_with_and_without_header() {
        let with = read("userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.5,964981247\n").unwrap();
        assert_eq!(with, vec![rec(1, 1, 4.0, Some(964982703)), rec(1, 3, 4.5, Some(964981247))]);
        assert_eq!(read("7,8,2.5\n").unwrap(), vec![rec(7, 8, 2.5, None)]);
    }

    #[test]
    fn bad_lines_are_named() {
        assert_eq!(
            read("1\t2\t3\t4\n5\t6\n").unwrap_err(),
            ParseError {
                line: 2,
                message: "expected 3 or 4 tab-separated fields (user, item, rating[, timestamp]), found 2".into()
            }
        );
        assert_eq!(read("1::x::3\n").unwrap_err().message, "the item id \"x\" is not a whole number");
        let csv = read("userId,movieId,rating\n\n1,2,three\n").unwrap_err();
        assert_eq!((csv.line, csv.message.as_str()), (3, "the rating \"three\" is not a number"));
        assert_eq!(read("1 2 NaN\n").unwrap_err().line, 1);
        assert_eq!(read("1 2 3 yesterday\n").unwrap_err().message, "the timestamp \"yesterday\" is not a whole number");
        // A header is only allowed on the first line.
        assert_eq!(read("1,2,3\nuserId,movieId,rating\n").unwrap_err().line, 2);
    }

    #[test]
    fn empty_input_is_empty() {
        assert!(read("").unwrap().is_empty());
        assert!(read("userId,movieId,rating,timestamp\n").unwrap().is_empty());
    }
}
