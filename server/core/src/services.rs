//! The long-lived handles every request needs, cloned cheaply into each handler.

use crate::{
    catalog::CatalogCache, db::Db, metadata::Metadata, recommend::Recommender, storage::MediaStore,
    videos::VideoSettings,
};

/// Database and media storage, shared by the web server, server functions and the CLI.
#[derive(Clone, Debug)]
pub struct Services {
    /// The catalog and account database (SQLite or PostgreSQL).
    pub db: Db,
    /// Where images and videos live (local folder or S3).
    pub media: MediaStore,
    /// The recommender model this process serves (shared by every clone).
    pub recommender: Recommender,
    /// Video upload limit and playback URL lifetime.
    pub videos: VideoSettings,
    /// Catalog counts, genres and list pages this process keeps per catalog version.
    pub catalog: CatalogCache,
    /// Movie facts from TMDb or the offline catalog, behind their cache.
    pub metadata: Metadata,
}
