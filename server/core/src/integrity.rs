//! Whether the database and media storage agree (`cinecloud check`): every row that names an
//! object must find it (a *dangling reference* would be a broken cover, photo, video or model),
//! and every object should be named by a row (an *orphan* only takes space). Writes store the
//! object first and point at it second, and delete an object only after the row let go of it, so
//! a server killed at any moment leaves at worst orphans — never a dangling reference — and the
//! temporary file of a local upload that never finished. `--fix` deletes those; dangling
//! references are only reported, for a person to decide.

use std::collections::HashSet;

use anyhow::Context;

use crate::{Services, covers, db::media_refs, storage::StorageError};

/// The folders of media storage that Cinecloud writes; anything else in a shared bucket is left
/// alone.
pub const OWNED_FOLDERS: &[&str] = &["covers/", "profiles/", "videos/", "models/"];

/// A row that names an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// Who holds it, in words: `movie 12's cover (card)`.
    pub owner: String,
    /// The object's key.
    pub key: String,
}

/// What a check found, and what `--fix` removed.
#[derive(Debug, Default)]
pub struct Report {
    /// Objects in Cinecloud's folders.
    pub objects: usize,
    /// Object keys the database names.
    pub references: usize,
    /// References whose object is missing.
    pub dangling: Vec<Reference>,
    /// Objects nothing refers to, older than the threshold.
    pub orphans: Vec<String>,
    /// Temporary files of writes that never finished, older than the threshold.
    pub unfinished: Vec<String>,
    /// Unreferenced objects and temporary files younger than the threshold, left alone: they
    /// may belong to an upload in progress.
    pub too_recent: usize,
    /// Orphans and temporary files deleted (with `fix`).
    pub deleted: usize,
}

impl Report {
    /// Nothing dangling, and nothing left to clean up.
    pub fn is_clean(&self) -> bool {
        self.dangling.is_empty() && self.orphans.len() + self.unfinished.len() == self.deleted
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "Checked {} objects against {} references.", self.objects, self.references)?;
        writeln!(f, "Dangling references (a row names a missing object): {}", count(self.dangling.len()))?;
        for reference in &self.dangling {
            writeln!(f, "  {}: {}", reference.owner, reference.key)?;
        }
        writeln!(f, "Orphan objects (nothing refers to them): {}", count(self.orphans.len()))?;
        for key in &self.orphans {
            writeln!(f, "  {key}")?;
        }
        writeln!(f, "Unfinished uploads (temporary files of a stopped server): {}", count(self.unfinished.len()))?;
        for key in &self.unfinished {
            writeln!(f, "  {key}")?;
        }
        if self.too_recent > 0 {
            writeln!(f, "Left alone, too recent to judge (uploads may be in progress): {}", self.too_recent)?;
        }
        if self.deleted > 0 {
            writeln!(f, "Deleted {} orphan objects and unfinished uploads.", self.deleted)?;
        }
        Ok(())
    }
}

fn count(n: usize) -> String {
    if n == 0 { "none".into() } else { n.to_string() }
}

/// Compares the database with media storage. Objects and temporary files written less than
/// `min_age` seconds before `now` are never called orphans (an upload may be about to point at
/// them); with `fix`, the orphans and temporary files are deleted.
pub async fn check(services: &Services, now: i64, min_age: i64, fix: bool) -> anyhow::Result<Report> {
    // Objects first, references second: an object whose row commits in between is then seen
    // as referenced; one written after the listing is not listed at all.
    let stored = services.media.inventory().await.context("listing media storage")?;
    let rows = media_refs::all(&services.db).await.context("reading the database's media references")?;
    let mut references = Vec::new();
    for (kind, id, key) in rows {
        match kind.as_str() {
            "cover" => {
                references.extend(covers::cover_images(&key).into_iter().map(|image| Reference {
                    owner: format!("movie {id}'s cover ({} px)", image.width),
                    key: image.key,
                }))
            }
            "photo" => references.push(Reference { owner: format!("user {id}'s photo"), key }),
            "video" => references.push(Reference { owner: format!("movie {id}'s video"), key }),
            _ => references.push(Reference { owner: format!("recommender model {id}"), key }),
        }
    }
    let referenced: HashSet<&str> = references.iter().map(|r| r.key.as_str()).collect();
    let ours = |key: &str| OWNED_FOLDERS.iter().any(|folder| key.starts_with(folder));
    let mut report = Report { references: referenced.len(), ..Report::default() };
    let mut present = HashSet::new();
    for object in stored.iter().filter(|o| ours(&o.key)) {
        if object.unfinished {
            if now - object.modified >= min_age {
                report.unfinished.push(object.key.clone());
            } else {
                report.too_recent += 1;
            }
            continue;
        }
        report.objects += 1;
        present.insert(object.key.as_str());
        if !referenced.contains(object.key.as_str()) {
            if now - object.modified >= min_age {
                report.orphans.push(object.key.clone());
            } else {
                report.too_recent += 1;
            }
        }
    }
    // A reference to an object written after the listing is looked up before it is called
    // dangling.
    for reference in references.into_iter().filter(|r| !present.contains(r.key.as_str())) {
        match services.media.get(&reference.key, None).await {
            Ok(_) => {}
            Err(StorageError::NotFound(_) | StorageError::InvalidKey(_)) => report.dangling.push(reference),
            Err(e) => return Err(anyhow::Error::new(e).context(format!("looking up {}", reference.key))),
        }
    }
    if fix {
        for key in &report.orphans {
            services.media.delete(key).await.with_context(|| format!("deleting the orphan {key}"))?;
            report.deleted += 1;
        }
        for key in &report.unfinished {
            services.media.delete_unfinished(key).await.with_context(|| format!("deleting {key}"))?;
            report.deleted += 1;
        }
    }
    Ok(report)
}
