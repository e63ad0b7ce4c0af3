//! #20, user management: admins find accounts by part of an email or name, in several orders, a
//! page at a time, on SQLite and PostgreSQL.

use cinecloud_core::{
    Backend, Error,
    accounts::{self, Role, USERS_PER_PAGE, UserQuery, UserSort},
    test_both_backends,
    testing::{TestDb, stored},
};

fn names(found: &[accounts::ListedUser]) -> Vec<&str> {
    found.iter().map(|u| u.user.display_name.as_str()).collect()
}

async fn admins_search_sort_and_page_accounts(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let ada = stored::account_created_at(db, "ada", Role::Viewer, 1_000).await;
    stored::account_created_at(db, "Bob_Smith", Role::Viewer, 3_000).await;
    stored::account_created_at(db, "carla", Role::Admin, 2_000).await;
    stored::account_created_at(db, "bob100", Role::Viewer, 4_000).await;
    // Ada was active most recently; carla and bob100 never.
    stored::set_rating_at(db, ada, catalog_movie(db).await, Some(8), 50 * 86_400).await.unwrap();

    let find = |text: Option<&str>, sort| {
        let query = UserQuery { text: text.map(str::to_owned), sort, page: 1 };
        async move { accounts::find_users(db, &query).await.unwrap() }
    };
    let (all, total) = find(None, UserSort::Newest).await;
    assert_eq!((names(&all), total), (vec!["bob100", "Bob_Smith", "carla", "ada"], 4));
    assert_eq!(names(&find(None, UserSort::Oldest).await.0), ["ada", "carla", "Bob_Smith", "bob100"]);
    assert_eq!(names(&find(None, UserSort::Name).await.0), ["ada", "bob100", "Bob_Smith", "carla"]);
    let (active, _) = find(None, UserSort::LastActive).await;
    assert_eq!(names(&active)[0], "ada");
    assert_eq!(active[0].last_active_day, Some(50));
    assert_eq!(active[1].last_active_day, None);

    // Case does not matter; % and _ are letters, not wildcards.
    let (bobs, total) = find(Some("BOB"), UserSort::Email).await;
    assert_eq!((names(&bobs), total), (vec!["bob100", "Bob_Smith"], 2));
    assert_eq!(names(&find(Some("b_s"), UserSort::Name).await.0), ["Bob_Smith"]);
    assert_eq!(find(Some("%"), UserSort::Name).await.1, 0);
    assert_eq!(names(&find(Some("  carla@example "), UserSort::Name).await.0), ["carla"], "by email, trimmed");
    let long = UserQuery { text: Some("x".repeat(201)), ..UserQuery::default() };
    assert!(matches!(accounts::find_users(db, &long).await, Err(Error::Invalid(e)) if e.field == "q"));

    // Pages of USERS_PER_PAGE.
    for i in 0..USERS_PER_PAGE {
        stored::account_created_at(db, &format!("extra{i:02}"), Role::Viewer, 10_000 + i).await;
    }
    let page = |n| {
        let query = UserQuery { text: None, sort: UserSort::Newest, page: n };
        async move { accounts::find_users(db, &query).await.unwrap() }
    };
    let (first, total) = page(1).await;
    assert_eq!((first.len() as i64, total), (USERS_PER_PAGE, USERS_PER_PAGE + 4));
    assert_eq!(names(&first)[0], format!("extra{:02}", USERS_PER_PAGE - 1));
    assert_eq!(names(&page(2).await.0), ["bob100", "Bob_Smith", "carla", "ada"]);
    assert!(page(3).await.0.is_empty());
    assert_eq!(names(&page(0).await.0), names(&first), "page 0 is page 1");
}

async fn catalog_movie(db: &cinecloud_core::Db) -> i64 {
    cinecloud_core::testing::bare_movies(db, 1).await[0]
}

/// An account's page: what it has done, and its audit log with every admin action on it.
async fn an_accounts_activity_and_audit_log(backend: Backend) {
    use cinecloud_core::{
        accounts::ChangedBy,
        insights,
        playback::PlaybackEvent,
        security_events::{self, Event, EventKind, Outcome},
    };
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let root = stored::account_created_at(db, "root", Role::Admin, 1_000).await;
    let ada = stored::account_created_at(db, "ada", Role::Viewer, 1_000).await;
    assert_eq!(insights::account_activity(db, ada).await.unwrap(), insights::AccountActivity::default());

    let movie = catalog_movie(db).await;
    stored::set_rating_at(db, ada, movie, Some(7), 86_400 * 3).await.unwrap();
    for (event, position_ms, at) in
        [(PlaybackEvent::Start, 0, 86_400 * 5), (PlaybackEvent::Progress, 30_000, 86_400 * 5 + 30)]
    {
        let report = stored::PlaybackReport {
            user_id: ada,
            movie_id: movie,
            event,
            position_ms,
            duration_ms: 600_000,
            reached: false,
            now: at,
        };
        stored::record_playback(db, &report).await.unwrap();
    }
    cinecloud_core::lists::watchlist(db, ada).await.unwrap();
    security_events::record(db, Event::new(EventKind::SignIn, Outcome::Success, Some(ada), "192.0.2.1")).await;
    security_events::record(db, Event::new(EventKind::SignIn, Outcome::Failure, Some(root), "192.0.2.2")).await;
    let by_root = ChangedBy { actor_id: Some(root), client: "192.0.2.9" };
    accounts::set_disabled(db, ada, true, by_root).await.unwrap();

    let activity = insights::account_activity(db, ada).await.unwrap();
    assert_eq!((activity.ratings, activity.watched_ms, activity.lists), (1, 30_000, 1));
    assert!(activity.last_sign_in.is_some());
    assert_eq!(activity.last_active_day, Some(5));
    assert!(matches!(insights::account_activity(db, 999_999).await, Err(Error::NotFound)));

    let log = security_events::for_account(db, ada).await.unwrap();
    let seen: Vec<(&str, Option<i64>)> = log.iter().map(|e| (e.kind.as_str(), e.actor_id)).collect();
    assert_eq!(seen, [("account_disabled", Some(root)), ("sign_in", None)], "newest first, only ada's");
    assert_eq!(log[0].actor_email.as_deref(), Some("root@example.com"));
}

test_both_backends!(admins_search_sort_and_page_accounts, an_accounts_activity_and_audit_log);
