//! The kinds browser and server name by word: in the database, in URLs and on the wire. Compare
//! these, never their words.

crate::spelled_enum! {
    /// What a list is for.
    pub enum ListKind as "list kind" {
        /// The one list of movies the viewer means to watch, made on first use.
        Watchlist = "watchlist",
        /// A named list the viewer made.
        Playlist = "playlist",
    }
}

crate::spelled_enum! {
    /// What an account may do.
    pub enum Role as "role" {
        /// Browses, rates and watches.
        Viewer = "viewer",
        /// Also edits the catalog and manages users.
        Admin = "admin",
    }
}

impl Role {
    /// The other role: what an admin's "make …" button turns this account into.
    pub fn other(self) -> Role {
        match self {
            Role::Viewer => Role::Admin,
            Role::Admin => Role::Viewer,
        }
    }
}

crate::spelled_enum! {
    /// How a list of movies is ordered; the words are the URL's `sort` values.
    #[derive(Default)]
    pub enum Sort as "sort" {
        /// Best match first (only with search text; otherwise title).
        #[default]
        Relevance = "relevance",
        /// A → Z, ignoring leading articles and accents.
        Title = "title",
        /// Newest release first.
        YearNewest = "year-newest",
        /// Oldest release first.
        YearOldest = "year-oldest",
        /// Most recently added to the catalog first.
        RecentlyAdded = "added",
        /// Best rated first (a damped average, so a single 5★ does not top the list); unrated last.
        Rating = "rating",
    }
}

crate::spelled_enum! {
    /// A signal other than a rating; the words are the stored `kind`.
    pub enum Signal as "signal" {
        /// Picked as a favourite when starting out.
        Liked = "liked",
        /// Never recommend this movie to this viewer.
        NotInterested = "not_interested",
        /// On the viewer's watchlist.
        Watchlisted = "watchlist",
        /// Played to 90 % or more.
        Watched = "watched",
    }
}

crate::spelled_enum! {
    /// What the player reports; the words are the stored kind.
    pub enum PlaybackEvent as "playback event" {
        /// Playing began.
        Start = "start",
        /// Still playing (every few seconds).
        Progress = "progress",
        /// Paused.
        Pause = "pause",
        /// Jumped elsewhere.
        Seek = "seek",
        /// Reached the end.
        Finish = "finish",
    }
}

crate::spelled_enum! {
    /// Someone's part in a movie.
    pub enum CreditRole as "credit role" {
        /// Directed it.
        Director = "director",
        /// Acted in it.
        Cast = "cast",
    }
}

crate::spelled_enum! {
    /// How the admins' list of accounts is ordered.
    #[derive(Default)]
    pub enum UserSort as "user sort" {
        /// The newest account first.
        #[default]
        Newest = "newest",
        /// The oldest account first.
        Oldest = "oldest",
        /// By display name, A to Z.
        Name = "name",
        /// By email, A to Z.
        Email = "email",
        /// The most recently active first; never-active accounts last.
        LastActive = "last-active",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words<T: Copy>(all: &[T], word: fn(T) -> &'static str) -> String {
        all.iter().map(|k| word(*k)).collect::<Vec<_>>().join(",")
    }

    #[test]
    fn the_stored_words_stay_what_the_database_and_urls_hold() {
        assert_eq!(words(ListKind::ALL, ListKind::as_str), "watchlist,playlist");
        assert_eq!(words(Role::ALL, Role::as_str), "viewer,admin");
        assert_eq!(words(Sort::ALL, Sort::as_str), "relevance,title,year-newest,year-oldest,added,rating");
        assert_eq!(words(Signal::ALL, Signal::as_str), "liked,not_interested,watchlist,watched");
        assert_eq!(words(PlaybackEvent::ALL, PlaybackEvent::as_str), "start,progress,pause,seek,finish");
        assert_eq!(words(CreditRole::ALL, CreditRole::as_str), "director,cast");
    }

    #[test]
    fn sorts_parse_from_their_words_and_roles_swap() {
        assert_eq!("year-oldest".parse::<Sort>(), Ok(Sort::YearOldest));
        assert!("shuffle".parse::<Sort>().is_err());
        assert_eq!(Role::Viewer.other(), Role::Admin);
        assert_eq!(Role::Admin.other(), Role::Viewer);
        assert!("rewind".parse::<PlaybackEvent>().is_err());
    }
}
