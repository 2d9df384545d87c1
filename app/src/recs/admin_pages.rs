//! `/admin/recommendations` (staff): per placement, impressions, clicks, click-through
//! and the purchases that followed a click; when the lists were last trained, with their
//! held-out figures next to popularity; the events recorded; and "Train now" (Admin).

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::{Meta, Title};
use serde::{Deserialize, Serialize};

use super::Slot;
use crate::error::AppError;
use crate::i18n::{self, format_count, t, tf, Msg};
use crate::ui::{format_time, page_title, when_loaded};

/// Days the placement figures cover.
pub const STATS_DAYS: i64 = 30;
/// A purchase "follows" a click of the same shopper on the same product within this.
pub const FOLLOW_DAYS: i64 = 7;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotStats {
    pub slot: String,
    pub impressions: i64,
    pub clicks: i64,
    /// Purchases of the clicked product by the same shopper within `FOLLOW_DAYS`.
    pub purchases: i64,
}

/// One held-out figure: model, popularity and the task's simple baseline.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub task: String,
    pub customers: i64,
    pub recall: f64,
    pub hit_rate: f64,
    pub ndcg: f64,
    pub popular_recall: f64,
    /// The task's simple baseline (`eval::Task::baseline`).
    #[serde(default)]
    pub baseline_recall: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Training {
    pub version: i64,
    pub trained_at: i64,
    pub newest_purchase: i64,
    pub train_ms: i64,
    pub figures: Vec<Figure>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub slots: Vec<SlotStats>,
    pub events: Vec<(String, i64)>,
    pub training: Option<Training>,
    /// The version this process serves (0: none loaded).
    pub serving: i64,
}

#[server(prefix = "/api", endpoint = "admin/recs", input = GetUrl)]
pub async fn recs_dashboard() -> Result<Dashboard, AppError> {
    use crate::web::{ssr::require, Access};
    require(Access::Staff).await?;
    let state = crate::state::app_state()?;
    super::ssr::dashboard(&state.db, state.clock.now_ms()).await
}

/// Starts a training now (Admin): in the background, under the trainer's lease, so it
/// never runs twice at once; back to the page.
#[server(prefix = "/api", endpoint = "admin/recs/train")]
pub async fn train_now() -> Result<(), AppError> {
    use crate::web::ssr::{audit, require, see_other, wants_html};
    use crate::web::{Access, Role};
    let user = require(Access::Role(Role::Admin)).await?;
    let state = crate::state::app_state()?;
    let holder = format!("admin-{}", crate::web::ssr::token::new_token());
    let now = state.clock.now_ms();
    if !super::store::claim_lease(&state.writer, &holder, now).await? {
        return Err(AppError::invalid("train", t(Msg::RecsTrainingBusy)));
    }
    let mut conn = state.writer.acquire().await?;
    audit(&mut conn, Some(user.id), "recs.train", None).await?;
    drop(conn);
    tokio::spawn(async move {
        let done = super::store::train_and_store(&state.db, &state.writer, now).await;
        if let Err(e) = super::store::release_lease(&state.writer, &holder).await {
            tracing::warn!(error = %e, "releasing the trainer's lease failed; it lapses");
        }
        match done {
            Ok(_) => {
                if let Err(e) = state.recs.refresh_if_changed(&state.db).await {
                    tracing::warn!(error = %e, "loading the recommendations failed");
                }
            }
            Err(e) => tracing::warn!(error = %e, "training the recommendations failed"),
        }
    });
    if wants_html() {
        see_other("/admin/recommendations?training=1");
    }
    Ok(())
}

fn slot_label(slot: &str) -> String {
    Slot::ALL
        .into_iter()
        .find(|s| s.as_str() == slot)
        .map(|s| t(super::pages::heading(s)).to_string())
        .unwrap_or_else(|| t(Msg::RecsSearchResults).to_string())
}

/// Clicks per thousand impressions as a percentage with one decimal.
fn rate(part: i64, whole: i64) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

#[component]
pub fn AdminRecsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| recs_dashboard());
    let training = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("training")
        .is_some();
    view! {
        <Title text=page_title(t(Msg::AdminRecs))/>
        <Meta name="robots" content="noindex"/>
        {when_loaded(data, move |d| {
            let locale = i18n::current();
            let started = training.then(|| view! { <p class="notice" role="status" data-test="training-started">{t(Msg::RecsTrainingStarted)}</p> });
            let rows = d.slots.into_iter().map(|s| view! {
                <tr data-test="slot-row" data-slot=s.slot.clone()>
                    <th scope="row">{slot_label(&s.slot)}</th>
                    <td data-test="impressions">{format_count(s.impressions, locale)}</td>
                    <td data-test="clicks">{format_count(s.clicks, locale)}</td>
                    <td data-test="ctr">{rate(s.clicks, s.impressions)}</td>
                    <td data-test="purchases">{format_count(s.purchases, locale)}</td>
                </tr>
            }).collect_view();
            let model = match d.training {
                None => view! { <p data-test="never-trained">{t(Msg::RecsNeverTrained)}</p> }.into_any(),
                Some(tr) => {
                    let figures = tr.figures.into_iter().map(|f| view! {
                        <tr>
                            <th scope="row">{f.task.clone()}</th>
                            <td>{format_count(f.customers, locale)}</td>
                            <td data-test="recall">{format!("{:.3}", f.recall)}</td>
                            <td>{format!("{:.3}", f.hit_rate)}</td>
                            <td>{format!("{:.3}", f.ndcg)}</td>
                            <td>{format!("{:.3}", f.popular_recall)}</td>
                            <td data-test="baseline-recall">{format!("{:.3}", f.baseline_recall)}</td>
                        </tr>
                    }).collect_view();
                    view! {
                        <p data-test="trained-at">{tf(Msg::RecsTrainedAt, &[
                            ("at", &format_time(tr.trained_at)),
                            ("ms", &format_count(tr.train_ms, locale)),
                            ("newest", &format_time(tr.newest_purchase)),
                            ("version", &tr.version.to_string()),
                        ])}</p>
                        <div class="table-scroll" role="region" aria-label=t(Msg::RecsValidation) tabindex="0">
                            <table class="admin-table" data-test="figures">
                                <caption>{t(Msg::RecsValidation)}</caption>
                                <thead><tr>
                                    <th scope="col">{t(Msg::RecsTask)}</th>
                                    <th scope="col">{t(Msg::AdminCustomers)}</th>
                                    <th scope="col">"recall@10"</th>
                                    <th scope="col">"hit-rate@10"</th>
                                    <th scope="col">"NDCG@10"</th>
                                    <th scope="col">{t(Msg::RecsPopularityRecall)}</th>
                                    <th scope="col">{t(Msg::RecsBaselineRecall)}</th>
                                </tr></thead>
                                <tbody>{figures}</tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            };
            let events = d.events.into_iter().map(|(kind, n)| view! {
                <div class="stat"><dt>{kind}</dt><dd>{format_count(n, locale)}</dd></div>
            }).collect_view();
            view! {
                <h1 data-test="page-heading">{t(Msg::AdminRecs)}</h1>
                {crate::admin::pages::admin_nav("/admin/recommendations")}
                {started}
                <h2>{tf(Msg::RecsPlacementsLastDays, &[("days", &STATS_DAYS.to_string())])}</h2>
                <div class="table-scroll" role="region" aria-label=t(Msg::AdminRecs) tabindex="0">
                    <table class="admin-table" data-test="placements">
                        <thead><tr>
                            <th scope="col">{t(Msg::RecsPlacement)}</th>
                            <th scope="col">{t(Msg::RecsImpressions)}</th>
                            <th scope="col">{t(Msg::RecsClicks)}</th>
                            <th scope="col">{t(Msg::RecsClickThrough)}</th>
                            <th scope="col">{tf(Msg::RecsPurchasesAfter, &[("days", &FOLLOW_DAYS.to_string())])}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <h2>{t(Msg::RecsModel)}</h2>
                {model}
                <form method="post" action="/api/admin/recs/train">
                    <button type="submit" data-test="train-now">{t(Msg::RecsTrainNow)}</button>
                </form>
                <h2>{tf(Msg::RecsEventsLastDays, &[("days", &STATS_DAYS.to_string())])}</h2>
                <dl class="stats" data-test="event-counts">{events}</dl>
            }
        })}
    }
}
