//! `cinecloud import tmdb`: reads the `--ids` file, runs the bulk enrichment with a progress bar
//! and prints what it did, with the ambiguous matches in the form the `--ids` file takes.

use std::{fmt::Write as _, path::Path};

use anyhow::Context;
use cinecloud_core::metadata::{BulkOptions, BulkReport, enrich_catalog};

use crate::{config::Settings, progress::Bar, startup};

/// Runs the command; true when no movie failed (ambiguous and unknown ones are not failures).
pub async fn run(settings: Settings, missing_only: bool, ids: Option<&Path>, restart: bool) -> anyhow::Result<bool> {
    let ids = match ids {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            Some(parse_ids(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?)
        }
        None => None,
    };
    let services = startup::connect_services(&settings).await?;
    let options = BulkOptions { missing_only, ids, restart };
    let mut bar = Bar::new("movies enriched");
    let report = enrich_catalog(&services, &services.metadata, &options, |report, done| {
        bar.update(done as u64, report.total as u64, report.enriched as u64);
    })
    .await;
    bar.finish();
    let report = report?;
    print!("{}", render(&report));
    Ok(report.failed.is_empty())
}

/// `movie_id,tmdb_id` pairs, one per line; blank lines, `#` comments and a header line are
/// skipped, and a tab or spaces may stand for the comma.
pub fn parse_ids(text: &str) -> Result<Vec<(i64, i64)>, String> {
    let mut pairs = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() || (number == 0 && line.starts_with(|c: char| c.is_ascii_alphabetic())) {
            continue;
        }
        let fields: Vec<&str> = line.split([',', '\t', ' ']).filter(|f| !f.trim().is_empty()).collect();
        let pair = match fields.as_slice() {
            [movie, tmdb] => movie.trim().parse::<i64>().ok().zip(tmdb.trim().parse::<i64>().ok()),
            _ => None,
        };
        match pair {
            Some((movie, tmdb)) if movie > 0 && tmdb > 0 => pairs.push((movie, tmdb)),
            _ => return Err(format!("line {}: expected `movie_id,tmdb_id`, found {line:?}", number + 1)),
        }
    }
    Ok(pairs)
}

/// The report as the command prints it.
pub fn render(report: &BulkReport) -> String {
    let mut out = String::new();
    if let Some(after) = report.resumed_after {
        let _ = writeln!(out, "Carried on after movie {after}, where an earlier run stopped.");
    }
    let _ = writeln!(
        out,
        "Enriched {} of {} movies from TMDb ({} matched by title and year, {} posters added); {} already agreed.",
        report.enriched, report.total, report.matched, report.posters, report.unchanged
    );
    if !report.ambiguous.is_empty() {
        let _ = writeln!(
            out,
            "\n{} ambiguous: nothing was guessed. Keep the line of the right film for each movie in a file and run \
             `cinecloud import tmdb --ids FILE`:",
            report.ambiguous.len()
        );
        for (movie, hits) in &report.ambiguous {
            let _ = writeln!(out, "# {movie}");
            for hit in hits {
                let year = hit.year.map(|y| y.to_string()).unwrap_or_else(|| "no year".into());
                let _ = writeln!(out, "{},{}  # {} ({year})", movie.id, hit.id, hit.title);
            }
        }
    }
    if !report.not_found.is_empty() {
        let _ = writeln!(out, "\n{} not found on TMDb:", report.not_found.len());
        for (movie, why) in &report.not_found {
            let _ = writeln!(out, "  {movie}: {why}");
        }
    }
    if !report.failed.is_empty() {
        let _ = writeln!(out, "\n{} failed (run the command again to retry them):", report.failed.len());
        for (movie, why) in &report.failed {
            let _ = writeln!(out, "  {movie}: {why}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use cinecloud_core::metadata::{MovieRef, SearchHit};

    use super::*;

    #[test]
    fn the_ids_file_takes_pairs_comments_and_a_header_and_names_a_bad_line() {
        let text = "movie_id,tmdb_id\n12,9002  # The Glass Harbour (1987)\n\n# a comment\n13\t775\n";
        assert_eq!(parse_ids(text), Ok(vec![(12, 9002), (13, 775)]));
        assert_eq!(parse_ids("12,9002\n12;x\n"), Err("line 2: expected `movie_id,tmdb_id`, found \"12;x\"".into()));
        assert!(parse_ids("1,2,3").is_err());
        assert!(parse_ids("1,-2").is_err());
    }

    #[test]
    fn ambiguous_matches_print_as_lines_the_ids_file_takes() {
        let hit = |id, year| SearchHit {
            id,
            title: "The Glass Harbour".into(),
            original_title: None,
            year: Some(year),
            directors: Vec::new(),
            poster: None,
        };
        let movie = MovieRef { id: 14, title: "The Glass Harbour".into(), year: None };
        let report = BulkReport {
            total: 1,
            ambiguous: vec![(movie, vec![hit(9001, 1931), hit(9002, 1987)])],
            ..BulkReport::default()
        };
        let printed = render(&report);
        assert!(printed.contains("# movie 14 \"The Glass Harbour\" (no year)\n14,9001  # The Glass Harbour (1931)\n"));
        let pairs: Vec<(i64, i64)> =
            parse_ids(&printed.lines().filter(|l| l.starts_with("14,")).collect::<Vec<_>>().join("\n")).unwrap();
        assert_eq!(pairs, vec![(14, 9001), (14, 9002)]);
    }
}
