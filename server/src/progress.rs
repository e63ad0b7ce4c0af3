//! A progress bar on standard error for long command-line jobs: redrawn in place on a terminal,
//! one line per tenth of the work otherwise (logs, CI).

use std::io::{IsTerminal, Write};

/// Progress of one job measured in bytes, with a count of `unit` shown alongside.
pub struct Bar {
    unit: &'static str,
    terminal: bool,
    last_tenth: Option<u64>,
    drawn: bool,
}

const WIDTH: usize = 30;

impl Bar {
    /// A bar counting `unit` (e.g. "ratings").
    pub fn new(unit: &'static str) -> Self {
        Bar { unit, terminal: std::io::stderr().is_terminal(), last_tenth: None, drawn: false }
    }

    /// Shows `done` of `total` bytes, and `count` units.
    pub fn update(&mut self, done: u64, total: u64, count: u64) {
        let line = render(done, total, count, self.unit);
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let _ = write!(err, "\r{line}");
            self.drawn = true;
        } else {
            let tenth = (done * 10).checked_div(total).unwrap_or(0);
            if self.last_tenth != Some(tenth) {
                self.last_tenth = Some(tenth);
                let _ = writeln!(err, "{line}");
            }
        }
        let _ = err.flush();
    }

    /// Ends the bar's line.
    pub fn finish(&mut self) {
        if self.drawn {
            let _ = writeln!(std::io::stderr());
            self.drawn = false;
        }
    }
}

/// `[##########--------------------]  33% 1,234 ratings`.
pub fn render(done: u64, total: u64, count: u64, unit: &str) -> String {
    let fraction = if total == 0 { 1.0 } else { (done as f64 / total as f64).clamp(0.0, 1.0) };
    let filled = (fraction * WIDTH as f64).round() as usize;
    format!(
        "[{}{}] {:>3}% {} {unit}",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
        (fraction * 100.0).round(),
        app::format::thousands(count)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bar_shows_the_fraction_and_the_count() {
        assert_eq!(super::render(1, 3, 1234, "ratings"), "[##########--------------------]  33% 1,234 ratings");
        assert_eq!(super::render(0, 0, 0, "ratings"), "[##############################] 100% 0 ratings");
        assert_eq!(app::format::thousands(1_000_000u64), "1,000,000");
    }
}
