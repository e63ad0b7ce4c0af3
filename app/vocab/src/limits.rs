//! The limits the server enforces and the forms show (`maxlength`, upload caps, year ranges):
//! written once, here, so a form can never promise more than the server accepts.

/// Bytes in a mebibyte, for caps shown as "10 MB".
pub const MIB: usize = 1024 * 1024;

/// Longest list name, in characters.
pub const LIST_NAME_CHARS: usize = 80;
/// Longest list description, in characters.
pub const LIST_DESCRIPTION_CHARS: usize = 500;

/// Earliest year a movie can have (Roundhay Garden Scene, 1888).
pub const FIRST_YEAR: i32 = 1888;
/// How many years past the current one a release year may be (announced movies).
pub const YEARS_AHEAD: i32 = 5;
/// Longest title or original title, in characters.
pub const TITLE_CHARS: usize = 200;
/// Longest synopsis, in characters.
pub const SYNOPSIS_CHARS: usize = 5000;
/// Longest age rating ("PG-13"), in characters.
pub const AGE_RATING_CHARS: usize = 16;
/// Longest person's name or character, in characters.
pub const PERSON_NAME_CHARS: usize = 120;
/// Longest genre name, in characters.
pub const GENRE_NAME_CHARS: usize = 40;
/// Most genres on one movie.
pub const MAX_GENRES: usize = 12;
/// Most directors on one movie.
pub const MAX_DIRECTORS: usize = 20;
/// Most cast credits on one movie.
pub const MAX_CAST: usize = 100;
/// Longest runtime, in minutes.
pub const MAX_RUNTIME_MINUTES: i32 = 1000;
/// Longest trailer link, in bytes.
pub const TRAILER_URL_BYTES: usize = 500;
/// Longest language code (ISO 639-1 has two letters, 639-2 three).
pub const LANGUAGE_CODE_CHARS: usize = 3;

/// Longest email address, in bytes.
pub const EMAIL_BYTES: usize = 254;
/// Longest display name, in characters.
pub const DISPLAY_NAME_CHARS: usize = 60;
/// Shortest password, in characters.
pub const PASSWORD_MIN_CHARS: usize = 8;
/// Longest password, in bytes (argon2 hashes anything, but not without bound).
pub const PASSWORD_MAX_BYTES: usize = 1024;

/// Largest cover image upload.
pub const COVER_BYTES: usize = 10 * MIB;
/// Largest profile photo upload.
pub const PHOTO_BYTES: usize = 5 * MIB;
