//! Recommendations through the real router: none for visitors, "not interested" needs a viewer
//! and sticks, the favourites question, "More like this" for anyone, the model view for admins.

use app::api::recommend::{ModelStatusView, Reason, RecommendedView};
use cinecloud_core::{
    Backend, accounts,
    catalog::{self, MovieForm},
    ratings, test_both_backends,
    testing::stored,
};
use reqwest::StatusCode;

use crate::support::TestApp;

async fn recommendations_need_a_viewer_and_not_interested_sticks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = &app.backends.services.db;
    let mut ids = Vec::new();
    for title in ["Nosferatu", "Häxan", "The Golem"] {
        let form =
            MovieForm { title: title.into(), year: "1922".into(), genres: vec!["Horror".into()], ..Default::default() };
        ids.push(catalog::create_movie(db, &form, None).await.unwrap().id);
    }

    // Visitors get no row and cannot say "not interested".
    assert_eq!(app.recommendations(&app.client()).await, Ok(None));
    let refused = app.not_interested(&app.client(), ids[0], false).await.unwrap_err();
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(stored::all_signals(db).await.unwrap().is_empty());

    // A new viewer is asked for favourites and sees every movie, each with a reason.
    let ada = app.signed_up("ada@example.com").await;
    let view = app.recommendations(&ada).await.unwrap().expect("a viewer's row");
    assert_eq!(view.favourite_choices.len(), 3);
    assert_eq!(view.items.len(), 3);
    assert!(view.items.iter().all(|i| i.reason == Reason::StartHere), "{view:?}");

    app.not_interested(&ada, ids[1], false).await.unwrap();
    assert_eq!(app.not_interested(&ada, 987654, false).await.unwrap_err().status, StatusCode::NOT_FOUND);
    let view = app.recommendations(&ada).await.unwrap().unwrap();
    let shown: Vec<i64> = view.items.iter().map(|i| i.movie.id).collect();
    assert_eq!(shown.len(), 2);
    assert!(!shown.contains(&ids[1]), "{shown:?}");
    assert_eq!(view.favourite_choices.len(), 0, "a signal given: not asked any more");

    // Skipping the favourites question (no ids at all in the form) stops the asking.
    let bob = app.signed_up("bob@example.com").await;
    app.post::<()>(&bob, "save_favourites", &[]).await.unwrap();
    let view = app.recommendations(&bob).await.unwrap().unwrap();
    assert_eq!(view.favourite_choices.len(), 0, "{view:?}");
    let refused = app.post::<()>(&app.client(), "save_favourites", &[]).await.unwrap_err();
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);

    // An unfiltered browse (what the header's "Movies" link asks for) sends no fields at all.
    let page = app.get::<app::api::catalog::MoviePageView>(&app.client(), "movies").await.unwrap();
    assert_eq!(page.total, 3);

    // More like this works for anyone; the model's admin view is for admins only.
    let similar = app.get::<Vec<RecommendedView>>(&app.client(), &format!("more_like_this?id={}", ids[0])).await;
    assert!(similar.unwrap().iter().any(|r| r.reason == Reason::SharesGenresOrPeople));
    let model = |client| app.get::<Option<ModelStatusView>>(client, "admin/recommender");
    assert_eq!(model(&ada).await.unwrap_err().status, StatusCode::FORBIDDEN);
    let visitor = app.client();
    assert_eq!(model(&visitor).await.unwrap_err().status, StatusCode::UNAUTHORIZED);

    // An admin sees nothing before the first training, then the served version and its facts.
    let admin = app.admin().await;
    assert_eq!(model(&admin).await, Ok(None));
    let ada_id = accounts::find_by_email(db, "ada@example.com").await.unwrap().unwrap().id;
    ratings::rate(db, ada_id, ids[0], 10).await.unwrap();
    let services = &app.backends.services;
    assert_eq!(services.recommender.train_if_due(services).await.unwrap(), Some(1));
    let model = model(&admin).await.unwrap().expect("a served model");
    // Ada's 5★ and her "not interested".
    assert_eq!((model.version, model.viewers, model.signals), (1, 1, 2));
    assert!(model.movies >= 1 && model.metrics.is_none(), "{model:?}");
}

test_both_backends!(recommendations_need_a_viewer_and_not_interested_sticks);
