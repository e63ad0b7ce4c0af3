//! `import movielens` on SQLite and PostgreSQL with downloads the test writes itself (MovieLens
//! data may not be redistributed) in all three layouts: movies and viewers are created or
//! matched, ratings land with their averages, a second import changes nothing, and a bad line
//! is named.

use std::{fmt::Write as _, path::Path};

use cinecloud_core::{
    Backend, Db,
    catalog::{self, MovieForm},
    movielens::{self, ImportReport},
    test_both_backends,
    testing::{TestDb, stored::all_ratings},
};

/// Six movies (one of them Nosferatu, 1922, which the catalog already has) and 40 users who rate
/// four or five of them; half-star ratings in the CSV layout.
fn write_download(dir: &Path, layout: &str) {
    let movies = [
        (1, "Matrix, The (1999)", "Action|Sci-Fi"),
        (2, "Nosferatu (1922)", "Horror"),
        (3, "City of Lost Children, The (Cité des enfants perdus, La) (1995)", "Adventure|Fantasy"),
        (4, "Toy Story (1995)", "Animation|Children|Comedy"),
        (5, "Passage de Venus (1874)", "Documentary"),
        (6, "Untitled", "(no genres listed)"),
    ];
    let ratings: Vec<(u32, u32, f32)> = (1..=40u32)
        .flat_map(|u| {
            (1..=6u32).filter(move |m| (u + m) % 6 != 0).map(move |m| (u, m, 1.0 + ((u * m) % 9) as f32 * 0.5))
        })
        .collect();
    let (mut movie_text, mut rating_text) = (String::new(), String::new());
    let mut movie_bytes = Vec::new();
    match layout {
        "csv" => {
            movie_text.push_str("movieId,title,genres\n");
            rating_text.push_str("userId,movieId,rating,timestamp\n");
            for (id, title, genres) in movies {
                let title = if title.contains(',') { format!("\"{title}\"") } else { title.to_owned() };
                writeln!(movie_text, "{id},{title},{genres}").unwrap();
            }
            for (u, m, r) in &ratings {
                writeln!(rating_text, "{u},{m},{r:.1},964982703").unwrap();
            }
            movie_bytes = movie_text.into_bytes();
        }
        "dat" => {
            for (id, title, genres) in movies {
                // ml-1m's movies.dat is Latin-1.
                movie_bytes.extend(format!("{id}::{title}::{genres}\n").chars().map(|c| c as u32 as u8));
            }
            for (u, m, r) in &ratings {
                writeln!(rating_text, "{u}::{m}::{}::978300760", r.round().max(1.0)).unwrap();
            }
        }
        _ => {
            let flags = |genres: &str| {
                let names = movielens::ITEM_GENRES;
                let mine: Vec<&str> =
                    genres.split('|').map(|g| if g == "Children" { "Children's" } else { g }).collect();
                names.iter().map(|n| if mine.contains(n) { "1" } else { "0" }).collect::<Vec<_>>().join("|")
            };
            for (id, title, genres) in movies {
                movie_text.push_str(&format!("{id}|{title}|01-Jan-1995||http://example.invalid/|{}\n", flags(genres)));
            }
            for (u, m, r) in &ratings {
                writeln!(rating_text, "{u}\t{m}\t{}\t881250949", r.round().max(1.0)).unwrap();
            }
            movie_bytes = movie_text.into_bytes();
        }
    }
    let (movies_file, ratings_file) = match layout {
        "csv" => ("movies.csv", "ratings.csv"),
        "dat" => ("movies.dat", "ratings.dat"),
        _ => ("u.item", "u.data"),
    };
    std::fs::write(dir.join(movies_file), movie_bytes).unwrap();
    std::fs::write(dir.join(ratings_file), rating_text).unwrap();
    if layout == "csv" {
        // Invented ids; the last line's TMDb id is the first's (MovieLens has such doubles).
        let links =
            "movieId,imdbId,tmdbId\n1,0000101,9101\n2,0000102,9102\n3,0000103,\n4,0000104,9104\n5,,\n6,0000106,9101\n";
        std::fs::write(dir.join("links.csv"), links).unwrap();
    }
}

async fn existing_nosferatu(db: &Db) -> i64 {
    let form = MovieForm {
        title: "Nosferatu".into(),
        year: "1922".into(),
        genres: vec!["Horror".into()],
        ..MovieForm::default()
    };
    catalog::create_movie(db, &form, None).await.unwrap().id
}

async fn each_layout_imports_once_and_a_second_run_changes_nothing(backend: Backend) {
    for layout in ["csv", "dat", "item"] {
        let t = TestDb::new(backend).await;
        let nosferatu = existing_nosferatu(&t.db).await;
        let dir = tempfile::tempdir().unwrap();
        write_download(dir.path(), layout);
        let mut progress = Vec::new();
        let report = movielens::import(&t.db, dir.path(), |p| progress.push(p)).await.unwrap();
        assert_eq!(
            report,
            ImportReport {
                movies: 6,
                movies_created: 5,
                movies_matched: 1,
                viewers_created: 40,
                ratings: 200,
                ratings_written: 200,
                ids_stored: if layout == "csv" { 5 } else { 0 },
            },
            "{layout}"
        );
        if layout == "csv" {
            let by_title = |text: &str| catalog::MovieQuery { text: Some(text.into()), ..Default::default() };
            let first = catalog::browse(&t.db, &by_title("toy story")).await.unwrap().items[0].id;
            let toy_story = catalog::get_movie(&t.db, first).await.unwrap();
            assert_eq!((toy_story.tmdb_id, toy_story.imdb_id.as_deref()), (Some(9104), Some("tt0000104")));
            let first = catalog::browse(&t.db, &by_title("untitled")).await.unwrap().items[0].id;
            let untitled = catalog::get_movie(&t.db, first).await.unwrap();
            assert_eq!((untitled.tmdb_id, untitled.imdb_id.as_deref()), (None, Some("tt0000106")), "9101 is taken");
        }
        let last = progress.last().expect("progress was reported");
        assert_eq!((last.ratings_read, last.bytes_read), (200, last.bytes_total), "{layout}");

        // Titles get their article back and lose the year; genres use the catalog's names.
        let found = catalog::browse(&t.db, &catalog::MovieQuery { text: Some("matrix".into()), ..Default::default() })
            .await
            .unwrap();
        let matrix = catalog::get_movie(&t.db, found.items[0].id).await.unwrap();
        assert_eq!((matrix.input.title.as_str(), matrix.input.year), ("The Matrix", Some(1999)), "{layout}");
        assert_eq!(matrix.input.genres, vec!["Action".to_owned(), "Science Fiction".to_owned()], "{layout}");
        let venus = catalog::browse(&t.db, &catalog::MovieQuery { text: Some("venus".into()), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(venus.items[0].year, None, "a year before 1888 is left out ({layout})");

        // Nosferatu was matched, not duplicated, and got its ratings and average.
        let all = all_ratings(&t.db).await.unwrap();
        let on_nosferatu: Vec<i64> = all.iter().filter(|r| r.1 == nosferatu).map(|r| r.2).collect();
        let movie = catalog::get_movie(&t.db, nosferatu).await.unwrap();
        assert_eq!(movie.rating.count, on_nosferatu.len() as i64, "{layout}");
        assert_eq!(movie.rating.sum_half_stars, on_nosferatu.iter().sum::<i64>(), "{layout}");

        // Again: nothing new.
        let again = movielens::import(&t.db, dir.path(), |_| {}).await.unwrap();
        assert_eq!(
            again,
            ImportReport {
                movies: 6,
                movies_created: 0,
                movies_matched: 0,
                viewers_created: 0,
                ratings: 200,
                ratings_written: 0,
                ids_stored: 0,
            },
            "{layout}"
        );
        assert_eq!(all_ratings(&t.db).await.unwrap().len(), 200, "{layout}");
    }
}

async fn bad_downloads_are_refused_with_the_line(backend: Backend) {
    let t = TestDb::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let missing = movielens::import(&t.db, dir.path(), |_| {}).await.unwrap_err();
    assert!(missing.to_string().contains("no MovieLens files found"), "{missing}");

    write_download(dir.path(), "csv");
    std::fs::write(dir.path().join("movies.csv"), "movieId,title,genres\n1,Toy Story (1995),Comedy\nx,Bad,Drama\n")
        .unwrap();
    let bad = movielens::import(&t.db, dir.path(), |_| {}).await.unwrap_err().to_string();
    assert!(bad.contains("movies.csv: line 3") && bad.contains("\"x\""), "{bad}");

    std::fs::write(dir.path().join("movies.csv"), "movieId,title,genres\n1,Toy Story (1995),Comedy\n").unwrap();
    std::fs::write(dir.path().join("ratings.csv"), "userId,movieId,rating,timestamp\n1,1,4.0,1\n2,1,four,1\n").unwrap();
    let bad = movielens::import(&t.db, dir.path(), |_| {}).await.unwrap_err().to_string();
    assert!(bad.contains("ratings.csv: line 3") && bad.contains("four"), "{bad}");
    std::fs::write(dir.path().join("ratings.csv"), "userId,movieId,rating,timestamp\n1,99,4.0,1\n").unwrap();
    let bad = movielens::import(&t.db, dir.path(), |_| {}).await.unwrap_err().to_string();
    assert!(bad.contains("movie 99") && bad.contains("not in the movies file"), "{bad}");
    std::fs::write(dir.path().join("ratings.csv"), "userId,movieId,rating,timestamp\n1,1,4.0,1\n").unwrap();
    std::fs::write(dir.path().join("links.csv"), "movieId,imdbId,tmdbId\n1,0114709,862\n1,tt0114709,x\n").unwrap();
    let bad = movielens::import(&t.db, dir.path(), |_| {}).await.unwrap_err().to_string();
    assert!(bad.contains("links.csv: line 3"), "{bad}");
    assert!(all_ratings(&t.db).await.unwrap().is_empty());
}

test_both_backends!(each_layout_imports_once_and_a_second_run_changes_nothing, bad_downloads_are_refused_with_the_line);
