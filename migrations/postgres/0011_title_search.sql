-- Relevance on PostgreSQL is two tiers, each in title order: movies whose title holds every
-- searched word, then the other matches (people, synopsis). These indexes find the first tier
-- without visiting the rows of the other matches, in all movies and within a genre (where a
-- bitmap of the title's words meets the genre's year range in `movie_genres` itself); the title
-- order of the second tier walks `movies_visible_title` (0008), so a page of a broad search
-- reads a few hundred rows, not every match.
-- `sort_title` is the folded title (lower case, no accents) without a leading article; every
-- word of it is also in `search_text`, so a title match is a full-text match.
CREATE INDEX movies_visible_title_words ON movies USING GIN (to_tsvector('simple', sort_title))
    WHERE deleted_at IS NULL;
CREATE INDEX movie_genres_visible_title_words ON movie_genres USING GIN (to_tsvector('simple', sort_title))
    WHERE deleted_at IS NULL;
ANALYZE movies, movie_genres;
