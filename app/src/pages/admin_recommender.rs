//! Admin: the recommender model every server is serving — its version, when and how fast it was
//! trained, what it learned from, and how well it ranks held-out likes.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::recommend::{ModelStatusView, recommender_status},
    components::chart::{Chart, Point},
    format::utc_time,
};

/// The model's facts and held-out metrics.
#[component]
pub fn AdminRecommenderPage() -> impl IntoView {
    // Blocking: this answer decides the page's status (401, 403, 404), which must be set before
    // the response head is sent; a streamed page would answer 200 or 403 depending on timing.
    let status = Resource::new_blocking(|| (), |_| recommender_status());
    view! {
        <Title text="Recommender" />
        <section class="wide-page">
            <h1>"Recommender"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading the model…"</p> }>
                {move || Suspend::new(async move { match status.await {
                    Ok(Some(model)) => view! { <ModelFacts model /> }.into_any(),
                    Ok(None) => view! {
                        <p>"No model has been trained yet. Training starts once viewers have rated a movie 4★ or more or picked favourites."</p>
                    }.into_any(),
                    Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

#[component]
fn ModelFacts(model: ModelStatusView) -> impl IntoView {
    let metrics = match model.metrics {
        Some((p10, ndcg10, r20, popularity_p10, viewers)) => view! {
            <h2>"Held-out quality"</h2>
            <p class="muted">{format!("20 % of each viewer's likes hidden, {viewers} viewers measured.")}</p>
            <Chart id="model-against-popularity" unit="precision at 10"
                title="Precision at 10: the model against popularity".to_owned()
                description=format!("Of each measured viewer's 10 top recommendations, the share that were held-out likes: {p10:.3} for the model, {popularity_p10:.3} for recommending the most popular movies.")
                points=vec![
                    Point { label: "Model".into(), value: p10 },
                    Point { label: "Popularity".into(), value: popularity_p10 },
                ] />
            <dl class="facts">
                <dt>"Precision at 10"</dt><dd>{format!("{p10:.3}")}</dd>
                <dt>"nDCG at 10"</dt><dd>{format!("{ndcg10:.3}")}</dd>
                <dt>"Recall at 20"</dt><dd>{format!("{r20:.3}")}</dd>
                <dt>"Popularity's precision at 10"</dt><dd>{format!("{popularity_p10:.3}")}</dd>
            </dl>
        }
        .into_any(),
        None => view! { <p class="muted">"Too few viewers yet to hold any likes out."</p> }.into_any(),
    };
    view! {
        <dl class="facts">
            <dt>"Version"</dt><dd>{model.version}</dd>
            <dt>"Trained"</dt><dd><time datetime=model.trained_at.to_string()>{utc_time(model.trained_at)}</time></dd>
            <dt>"Training time"</dt><dd>{format!("{:.2} s", model.fit_seconds)}</dd>
            <dt>"Viewers"</dt><dd>{model.viewers}</dd>
            <dt>"Movies"</dt><dd>{model.movies}</dd>
            <dt>"Signals"</dt><dd>{model.signals}</dd>
        </dl>
        {metrics}
    }
}
