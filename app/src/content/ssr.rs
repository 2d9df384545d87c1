//! The SQL of content: the storefront's reads (an entry, the journal, the sitemap's
//! list), the editors' list and form, saving (one write transaction: the version check,
//! the entry, a revision, the audit line and the catalogue version), restoring, deleting,
//! and the service pages' seed.

use sqlx::{AnyPool, Row};

use super::markdown::{self, Piece};
use super::slots::{link_url, CleanSlot, HomeSlot, HomeSlots, SlotEditor, SlotForm, SlotRow};
use super::{
    ArticleSummary, Block, CleanContent, ContentEditor, ContentForm, ContentRow, ContentView,
    Draft, Journal,
};
use crate::data::revisions::{self, Subject};
use crate::error::{AppError, AppResult};
use crate::i18n::{fill, t, Locale, Msg};
use crate::ui::card::ProductCard;
use crate::ui::form::format_publish_at;
use crate::web::ssr::{audit, Conn};

/// The content area of `data::drafts`.
const DRAFTS: &str = "content";

/// Shown on the storefront at the time bound to placeholder `now` (`$n`; a bound time
/// keeps the statement's text, and so its prepared form, the same at every call):
/// published, and its time has come.
fn live(now: &str) -> String {
    format!("status = 'published' AND (publish_at IS NULL OR publish_at <= {now})")
}

const COLUMNS: &str = "id, kind, slug, topic, title_en, title_zh, body_en, body_zh, seo_title_en, \
     seo_title_zh, description_en, description_zh, social_image, status, publish_at, \
     first_published_at, system, version, updated_at";

/// The card of a product for sale, by its code (the server functions pass the catalogue
/// snapshot's lookup, so content never reaches into the catalogue's internals).
pub type Cards<'a> = &'a (dyn Fn(&str) -> Option<ProductCard> + Sync);

/// A body rendered: Markdown pieces, product cards (a product not for sale is left out),
/// video link cards.
pub fn render(source: &str, cards: Cards) -> Vec<Block> {
    markdown::render(source)
        .into_iter()
        .filter_map(|piece| match piece {
            Piece::Html(html) => Some(Block::Html(html)),
            Piece::Product(code) => cards(&code).map(Block::Product),
            Piece::Video { url, host } => Some(Block::Video { url, host }),
        })
        .collect()
}

fn form_of(r: &sqlx::any::AnyRow) -> AppResult<ContentForm> {
    Ok(ContentForm {
        id: r.try_get::<i64, _>("id")?.to_string(),
        kind: r.try_get("kind")?,
        version: r.try_get::<i64, _>("version")?.to_string(),
        slug: r.try_get("slug")?,
        topic: r.try_get("topic")?,
        title_en: r.try_get("title_en")?,
        title_zh: r.try_get("title_zh")?,
        body_en: r.try_get("body_en")?,
        body_zh: r.try_get("body_zh")?,
        seo_title_en: r.try_get("seo_title_en")?,
        seo_title_zh: r.try_get("seo_title_zh")?,
        description_en: r.try_get("description_en")?,
        description_zh: r.try_get("description_zh")?,
        social_image: r.try_get("social_image")?,
        status: r.try_get("status")?,
        publish_at: r
            .try_get::<Option<i64>, _>("publish_at")?
            .map(format_publish_at)
            .unwrap_or_default(),
        intent: String::new(),
    })
}

/// The text of a form in `locale`: (title, body, SEO title, description, fallback).
fn localised(f: &ContentForm, locale: Locale) -> (String, String, String, String, bool) {
    let pick = |zh: &String, en: &String| {
        if locale == Locale::ZhHant && !zh.trim().is_empty() {
            zh.clone()
        } else {
            en.clone()
        }
    };
    let fallback = locale == Locale::ZhHant
        && (f.title_zh.trim().is_empty()
            || (f.body_zh.trim().is_empty() && !f.body_en.trim().is_empty()));
    // A page half in Chinese reads worse than one in English: the body follows the title.
    let (title, body) = if fallback {
        (f.title_en.clone(), f.body_en.clone())
    } else {
        (pick(&f.title_zh, &f.title_en), pick(&f.body_zh, &f.body_en))
    };
    let seo_title = if fallback {
        f.seo_title_en.clone()
    } else {
        pick(&f.seo_title_zh, &f.seo_title_en)
    };
    let description = if fallback {
        f.description_en.clone()
    } else {
        pick(&f.description_zh, &f.description_en)
    };
    (title, body, seo_title, description, fallback)
}

/// The live entry of `kind` at `slug`, as the storefront shows it in `locale`.
pub async fn entry(
    db: &AnyPool,
    cards: Cards<'_>,
    kind: &str,
    slug: &str,
    now: i64,
    locale: Locale,
) -> AppResult<ContentView> {
    let r = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM content_entries WHERE kind = $1 AND slug = $2 AND {}",
        live("$3")
    ))
    .bind(kind)
    .bind(slug)
    .bind(now)
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    let form = form_of(&r)?;
    let (title, body, seo_title, description, fallback) = localised(&form, locale);
    let social: String = r.try_get("social_image")?;
    Ok(ContentView {
        url: super::url(kind, slug),
        kind: form.kind.clone(),
        slug: form.slug.clone(),
        seo_title: if seo_title.is_empty() {
            title.clone()
        } else {
            seo_title
        },
        description: if description.is_empty() {
            markdown::plain_text(&body, 160)
        } else {
            description
        },
        blocks: render(&body, cards),
        title,
        social_image: (!social.is_empty()).then_some(social),
        fallback,
        topic: form.topic.clone(),
        published_at: r.try_get("first_published_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// One page of the live articles, newest first, of `topic` ("" for all).
pub async fn journal(
    db: &AnyPool,
    topic: &str,
    page: u32,
    now: i64,
    locale: Locale,
) -> AppResult<Journal> {
    let topics: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT DISTINCT topic FROM content_entries WHERE kind = 'article' AND topic <> '' AND {} ORDER BY topic",
        live("$1")
    ))
    .bind(now)
    .fetch_all(db)
    .await?;
    let filter = format!(
        "kind = 'article' AND ($1 = '' OR topic = $1) AND {}",
        live("$2")
    );
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM content_entries WHERE {filter}"
    ))
    .bind(topic)
    .bind(now)
    .fetch_one(db)
    .await?;
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM content_entries WHERE {filter} \
         ORDER BY COALESCE(publish_at, first_published_at, 0) DESC, id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(topic)
    .bind(now)
    .bind(i64::from(super::JOURNAL_PAGE))
    .bind(i64::from((page - 1) * super::JOURNAL_PAGE))
    .fetch_all(db)
    .await?;
    let mut articles = Vec::with_capacity(rows.len());
    for r in &rows {
        let form = form_of(r)?;
        let (title, body, _, description, fallback) = localised(&form, locale);
        let published: Option<i64> = r.try_get("first_published_at")?;
        let at: Option<i64> = r.try_get("publish_at")?;
        articles.push(ArticleSummary {
            url: super::url("article", &form.slug),
            title,
            summary: if description.is_empty() {
                markdown::plain_text(&body, 200)
            } else {
                description
            },
            topic: form.topic,
            published_at: at.or(published),
            fallback,
        });
    }
    Ok(Journal {
        topic: topic.to_string(),
        topics,
        articles,
        page,
        total: total as u32,
    })
}

/// Every live entry's (kind, slug), for the sitemap.
pub async fn sitemap_entries(db: &AnyPool, now: i64) -> AppResult<Vec<(String, String)>> {
    Ok(sqlx::query_as(&format!(
        "SELECT kind, slug FROM content_entries WHERE {} ORDER BY kind, slug",
        live("$1")
    ))
    .bind(now)
    .fetch_all(db)
    .await?)
}

/// One page of every entry for the editors, searched by title or slug.
pub async fn list(
    db: &AnyPool,
    q: &str,
    kind: &str,
    page: u32,
    now: i64,
) -> AppResult<crate::admin::Page<ContentRow>> {
    let pattern = crate::web::ssr::db::like_contains(&q.to_lowercase());
    let filter = "($1 = '' OR LOWER(title_en) LIKE $2 ESCAPE '\\' OR title_zh LIKE $2 ESCAPE '\\' \
                  OR slug LIKE $2 ESCAPE '\\') AND ($3 = '' OR kind = $3)";
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM content_entries WHERE {filter}"
    ))
    .bind(q)
    .bind(&pattern)
    .bind(kind)
    .fetch_one(db)
    .await?;
    let rows = sqlx::query(&format!(
        "SELECT id, kind, slug, title_en, status, publish_at, version, updated_at, system \
         FROM content_entries WHERE {filter} ORDER BY updated_at DESC, id DESC LIMIT $4 OFFSET $5"
    ))
    .bind(q)
    .bind(&pattern)
    .bind(kind)
    .bind(i64::from(crate::admin::PAGE_SIZE))
    .bind(i64::from((page - 1) * crate::admin::PAGE_SIZE))
    .fetch_all(db)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let kind: String = r.try_get("kind")?;
        let slug: String = r.try_get("slug")?;
        let status: String = r.try_get("status")?;
        let publish_at: Option<i64> = r.try_get("publish_at")?;
        out.push(ContentRow {
            scheduled: status == "published" && publish_at.is_some_and(|at| at > now),
            id: r.try_get("id")?,
            url: super::url(&kind, &slug),
            kind,
            slug,
            title: r.try_get("title_en")?,
            status,
            publish_at,
            version: r.try_get("version")?,
            updated_at: r.try_get("updated_at")?,
            system: r.try_get::<i64, _>("system")? == 1,
        });
    }
    Ok(crate::admin::Page {
        rows: out,
        total: total as u32,
        page,
    })
}

/// The entry as saved, as the form shows it, with whether it is a service page.
async fn saved(conn: &mut Conn, id: i64) -> AppResult<Option<(ContentForm, bool)>> {
    let Some(r) = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM content_entries WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    Ok(Some((form_of(&r)?, r.try_get::<i64, _>("system")? == 1)))
}

/// A saved revision's form.
async fn revision(conn: &mut Conn, id: i64, version: i64) -> AppResult<Option<ContentForm>> {
    revisions::form(conn, Subject::Content, id, version).await
}

/// What the edit page of `id` (`None`: a new entry of `kind`) shows to `user`, with two
/// revisions compared when asked.
pub async fn editor(
    db: &AnyPool,
    cards: Cards<'_>,
    user: i64,
    id: Option<i64>,
    kind: &str,
    compare: Option<(i64, i64)>,
) -> AppResult<ContentEditor> {
    let mut conn = db.acquire().await?;
    let saved = match id {
        Some(id) => Some(saved(&mut conn, id).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let key = id.map(|i| i.to_string()).unwrap_or_default();
    let draft = crate::data::drafts::find(&mut conn, DRAFTS, &key, user)
        .await?
        .and_then(|(base, body)| serde_json::from_str::<Draft>(&body).ok().map(|d| (base, d)));
    let version = saved
        .as_ref()
        .and_then(|s| s.0.version.parse().ok())
        .unwrap_or(0);
    let problem_of =
        |d: &Draft| (!d.field.is_empty()).then(|| (d.field.clone(), d.message.clone()));
    let (form, problem, conflicts) = match (draft, &saved) {
        (Some((base, d)), Some((s, _))) if base != version => {
            let mut form = d.form.clone();
            let conflicts = form.differences(s);
            form.version = version.to_string();
            (form, problem_of(&d), conflicts)
        }
        (Some((_, d)), _) => (d.form.clone(), problem_of(&d), Vec::new()),
        (None, Some((s, _))) => (s.clone(), None, Vec::new()),
        (None, None) => (
            ContentForm {
                kind: if super::KINDS.contains(&kind) {
                    kind
                } else {
                    "article"
                }
                .to_string(),
                status: "draft".into(),
                ..Default::default()
            },
            None,
            Vec::new(),
        ),
    };
    let preview = (form.intent == "preview")
        .then(|| (render(&form.body_en, cards), render(&form.body_zh, cards)));
    let (revisions, comparison) = match id {
        Some(id) => {
            let revisions = revisions::list(&mut conn, Subject::Content, id).await?;
            let comparison = match compare {
                Some((a, b)) => {
                    let (from, to) = (
                        revision(&mut conn, id, a).await?,
                        revision(&mut conn, id, b).await?,
                    );
                    match (from, to) {
                        (Some(from), Some(to)) => Some(super::compare((a, &from), (b, &to))),
                        _ => return Err(AppError::invalid("compare", t(Msg::ErrNoSuchRevision))),
                    }
                }
                None => None,
            };
            (revisions, comparison)
        }
        None => (Vec::new(), None),
    };
    Ok(ContentEditor {
        url: saved.as_ref().map(|(s, _)| super::url(&s.kind, &s.slug)),
        system: saved.as_ref().is_some_and(|s| s.1),
        form,
        version,
        problem,
        conflicts,
        preview,
        revisions,
        comparison,
    })
}

/// Keeps what `user` typed (a save that did not go through, or a preview), so the form
/// comes back whole.
pub async fn keep_draft(
    conn: &mut Conn,
    user: i64,
    form: &ContentForm,
    field: &str,
    message: &str,
    now: i64,
) -> AppResult<()> {
    let base: i64 = form.version.trim().parse().unwrap_or(0);
    let body = serde_json::to_string(&Draft {
        form: form.clone(),
        field: field.to_string(),
        message: message.to_string(),
    })
    .map_err(|_| AppError::Internal)?;
    crate::data::drafts::keep(conn, DRAFTS, form.id.trim(), user, base, &body, now).await
}

fn slug_taken() -> AppError {
    AppError::invalid("slug", t(Msg::ErrSlugTaken))
}

fn unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// What a save did.
pub struct Saved {
    pub id: i64,
    pub version: i64,
}

/// Saves `c` (typed as `form`) by `user`, in the caller's write transaction: a stale
/// version is a conflict; a product card of no product, a taken slug or an unpublished
/// service page is refused.
pub async fn save(
    tx: &mut Conn,
    user: i64,
    c: &CleanContent,
    form: &ContentForm,
    now: i64,
) -> AppResult<Saved> {
    for (field, body) in [("body_en", &c.body_en), ("body_zh", &c.body_zh)] {
        let codes = markdown::product_codes(body);
        if codes.len() > super::MAX_CARDS {
            return Err(AppError::invalid(
                field,
                fill(
                    t(Msg::ErrTooManyCards),
                    &[("max", &super::MAX_CARDS.to_string())],
                ),
            ));
        }
        for code in codes {
            let known: Option<String> = sqlx::query_scalar("SELECT id FROM products WHERE id = $1")
                .bind(&code)
                .fetch_optional(&mut *tx)
                .await?;
            if known.is_none() {
                return Err(AppError::invalid(
                    field,
                    fill(t(Msg::ErrCardProduct), &[("code", &code)]),
                ));
            }
        }
    }
    let published_now = (c.status == "published").then_some(now);
    let (id, version, action) = match c.id {
        None => {
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO content_entries (kind, slug, topic, title_en, title_zh, body_en, body_zh, \
                 seo_title_en, seo_title_zh, description_en, description_zh, social_image, status, publish_at, \
                 first_published_at, system, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 0, 1, $16, $16) \
                 ON CONFLICT (kind, slug) DO NOTHING RETURNING id",
            )
            .bind(c.kind)
            .bind(&c.slug)
            .bind(&c.topic)
            .bind(&c.title_en)
            .bind(&c.title_zh)
            .bind(&c.body_en)
            .bind(&c.body_zh)
            .bind(&c.seo_title_en)
            .bind(&c.seo_title_zh)
            .bind(&c.description_en)
            .bind(&c.description_zh)
            .bind(&c.social_image)
            .bind(c.status)
            .bind(c.publish_at)
            .bind(published_now)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let id = id.ok_or_else(slug_taken)?;
            crate::data::redirects::now_live(&mut *tx, c.kind, &c.slug).await?;
            (id, 1, "content_create")
        }
        Some(id) => {
            let system: Option<(i64, String)> =
                sqlx::query_as("SELECT system, slug FROM content_entries WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((system, slug)) = system else {
                return Err(AppError::NotFound);
            };
            if system == 1 && c.slug != slug {
                return Err(AppError::invalid("slug", t(Msg::ErrSystemSlug)));
            }
            if system == 1 && (c.status != "published" || c.publish_at.is_some()) {
                return Err(AppError::invalid("status", t(Msg::ErrSystemStatus)));
            }
            // The version check and the raise in one statement: of two saves from the
            // same version exactly one matches.
            let done = sqlx::query(
                "UPDATE content_entries SET slug = $1, topic = $2, title_en = $3, title_zh = $4, body_en = $5, \
                 body_zh = $6, seo_title_en = $7, seo_title_zh = $8, description_en = $9, description_zh = $10, \
                 social_image = $11, status = $12, publish_at = $13, \
                 first_published_at = COALESCE(first_published_at, $14), version = version + 1, updated_at = $15 \
                 WHERE id = $16 AND version = $17 AND kind = $18",
            )
            .bind(&c.slug)
            .bind(&c.topic)
            .bind(&c.title_en)
            .bind(&c.title_zh)
            .bind(&c.body_en)
            .bind(&c.body_zh)
            .bind(&c.seo_title_en)
            .bind(&c.seo_title_zh)
            .bind(&c.description_en)
            .bind(&c.description_zh)
            .bind(&c.social_image)
            .bind(c.status)
            .bind(c.publish_at)
            .bind(published_now)
            .bind(now)
            .bind(id)
            .bind(c.version)
            .bind(c.kind)
            .execute(&mut *tx)
            .await;
            let done = match done {
                Err(e) if unique_violation(&e) => return Err(slug_taken()),
                other => other?.rows_affected(),
            };
            if done != 1 {
                let current: Option<i64> =
                    sqlx::query_scalar("SELECT version FROM content_entries WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                return Err(match current {
                    None => AppError::NotFound,
                    Some(v) => AppError::Conflict {
                        message: fill(t(Msg::ErrStaleEntry), &[("version", &v.to_string())]),
                    },
                });
            }
            // A renamed entry: its old address answers 301 to the new one.
            crate::data::redirects::moved(&mut *tx, c.kind, &slug, &c.slug, now).await?;
            let action = if c.status == "published" {
                "content_publish"
            } else {
                "content_save"
            };
            (id, c.version + 1, action)
        }
    };
    let mut kept = form.clone();
    kept.id = id.to_string();
    kept.version = version.to_string();
    kept.intent = String::new();
    kept.slug = c.slug.clone();
    revisions::record(
        &mut *tx,
        Subject::Content,
        id,
        version,
        now,
        Some(user),
        &kept,
    )
    .await?;
    crate::data::drafts::discard(&mut *tx, DRAFTS, &id.to_string(), user).await?;
    audit(
        &mut *tx,
        Some(user),
        action,
        Some(&format!("{}:{id}:v{version}:{}", c.kind, c.status)),
    )
    .await?;
    crate::web::ssr::db::catalogue_changed(&mut *tx).await?;
    Ok(Saved { id, version })
}

/// Restores revision `from` of entry `id` (typed against `version`) as a new version.
pub async fn restore(
    tx: &mut Conn,
    user: i64,
    id: i64,
    version: i64,
    from: i64,
    now: i64,
) -> AppResult<Saved> {
    let mut form = revision(&mut *tx, id, from)
        .await?
        .ok_or_else(|| AppError::invalid("revision", t(Msg::ErrNoSuchRevision)))?;
    form.id = id.to_string();
    form.version = version.to_string();
    let clean = form.clean()?;
    let saved = save(&mut *tx, user, &clean, &form, now).await?;
    audit(
        &mut *tx,
        Some(user),
        "content_restore",
        Some(&format!("{}:{id}:v{from}->v{}", clean.kind, saved.version)),
    )
    .await?;
    Ok(saved)
}

/// Deletes entry `id` (typed against `version`); its revisions stay for the record.
/// A service page is refused.
pub async fn delete(tx: &mut Conn, user: i64, id: i64, version: i64) -> AppResult<()> {
    let row: Option<(i64, i64, String, String)> =
        sqlx::query_as("SELECT system, version, kind, slug FROM content_entries WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((system, current, kind, slug)) = row else {
        return Err(AppError::NotFound);
    };
    if system == 1 {
        return Err(AppError::invalid("id", t(Msg::ErrSystemDelete)));
    }
    let done = sqlx::query("DELETE FROM content_entries WHERE id = $1 AND version = $2")
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if done != 1 {
        return Err(AppError::Conflict {
            message: fill(t(Msg::ErrStaleEntry), &[("version", &current.to_string())]),
        });
    }
    audit(
        &mut *tx,
        Some(user),
        "content_delete",
        Some(&format!("{kind}:{id}:{slug}")),
    )
    .await?;
    crate::web::ssr::db::catalogue_changed(&mut *tx).await?;
    Ok(())
}

/// The service pages' first text, from the shop's translations (the words they had
/// before editors could change them), in Markdown.
fn seed_text(page: crate::info::InfoPage, locale: Locale) -> (String, String) {
    use crate::info::{InfoPage, CONTACT_EMAIL, CONTACT_PHONE};
    let (title, paragraphs): (Msg, &[Msg]) = match page {
        InfoPage::About => (Msg::AboutTitle, &[Msg::AboutText1, Msg::AboutText2]),
        InfoPage::Delivery => (
            Msg::DeliveryTitle,
            &[Msg::DeliveryText1, Msg::DeliveryText2],
        ),
        InfoPage::Returns => (Msg::ReturnsTitle, &[Msg::ReturnsText1, Msg::ReturnsText2]),
        InfoPage::Contact => (Msg::ContactTitle, &[Msg::ContactText1]),
    };
    let mut body: Vec<String> = paragraphs
        .iter()
        .map(|p| p.text(locale).to_string())
        .collect();
    match page {
        InfoPage::Delivery => {
            body.push(format!(
                "## {} {{#payment}}",
                Msg::PaymentTitle.text(locale)
            ));
            body.push(Msg::PaymentText.text(locale).to_string());
        }
        InfoPage::Contact => body.push(format!(
            "- {}: [{CONTACT_EMAIL}](mailto:{CONTACT_EMAIL})\n- {}: [{CONTACT_PHONE}](tel:{})",
            Msg::ContactEmail.text(locale),
            Msg::ContactPhone.text(locale),
            CONTACT_PHONE.replace(' ', "")
        )),
        _ => {}
    }
    (title.text(locale).to_string(), body.join("\n\n"))
}

/// Makes the service pages that do not exist yet (each in one statement that does
/// nothing if another process made it first), each with its first revision.
pub async fn seed(db: &AnyPool, backend: crate::web::ssr::Backend, now: i64) -> AppResult<()> {
    // Every start but the first finds them all: one read, no write transaction.
    let made: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM content_entries WHERE system = 1")
        .fetch_one(db)
        .await?;
    if made >= crate::info::InfoPage::ALL.len() as i64 {
        return Ok(());
    }
    for page in crate::info::InfoPage::ALL {
        let (title_en, body_en) = seed_text(page, Locale::En);
        let (title_zh, body_zh) = seed_text(page, Locale::ZhHant);
        let mut tx = crate::web::ssr::begin_write(db, backend).await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO content_entries (kind, slug, title_en, title_zh, body_en, body_zh, status, \
             first_published_at, system, version, created_at, updated_at) \
             VALUES ('page', $1, $2, $3, $4, $5, 'published', $6, 1, 1, $6, $6) \
             ON CONFLICT (kind, slug) DO NOTHING RETURNING id",
        )
        .bind(page.slug())
        .bind(&title_en)
        .bind(&title_zh)
        .bind(&body_en)
        .bind(&body_zh)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = id {
            let form = ContentForm {
                id: id.to_string(),
                kind: "page".into(),
                version: "1".into(),
                slug: page.slug().into(),
                title_en,
                title_zh,
                body_en,
                body_zh,
                status: "published".into(),
                ..Default::default()
            };
            revisions::record(&mut tx, Subject::Content, id, 1, now, None, &form).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

// ---- Home page slots ------------------------------------------------------------------

/// Shown at the time bound to placeholder `now`: started (or no start) and not ended (or
/// no end).
fn slot_live(now: &str) -> String {
    format!("(starts_at IS NULL OR starts_at <= {now}) AND (ends_at IS NULL OR ends_at > {now})")
}

const SLOT_COLUMNS: &str =
    "id, kind, title_en, title_zh, text_en, text_zh, link_kind, link_value, \
     image, starts_at, ends_at, position, version";

/// The live hero and tiles at `now`, in `locale` (a missing Chinese title or text shows
/// the English one). A slot linking to a product no longer for sale is left out.
pub async fn home_slots(
    db: &AnyPool,
    cards: Cards<'_>,
    now: i64,
    locale: Locale,
) -> AppResult<HomeSlots> {
    let rows = sqlx::query(&format!(
        "SELECT {SLOT_COLUMNS} FROM home_slots WHERE {} \
         ORDER BY kind, COALESCE(starts_at, 0) DESC, position, id",
        slot_live("$1")
    ))
    .bind(now)
    .fetch_all(db)
    .await?;
    let mut out = HomeSlots::default();
    let mut tiles: Vec<(i64, i64, HomeSlot)> = Vec::new();
    for r in &rows {
        let kind: String = r.try_get("kind")?;
        let link_kind: String = r.try_get("link_kind")?;
        let link_value: String = r.try_get("link_value")?;
        let url = if link_kind == "product" {
            match cards(&link_value) {
                Some(card) => card.url(),
                None => continue,
            }
        } else {
            link_url(&link_kind, &link_value)
        };
        let pick = |zh: &str, en: &str| -> AppResult<String> {
            let (zh, en): (String, String) = (r.try_get(zh)?, r.try_get(en)?);
            Ok(if locale == Locale::ZhHant && !zh.trim().is_empty() {
                zh
            } else {
                en
            })
        };
        let image: String = r.try_get("image")?;
        let slot = HomeSlot {
            title: pick("title_zh", "title_en")?,
            text: pick("text_zh", "text_en")?,
            url,
            image: (!image.is_empty()).then_some(image),
        };
        if kind == "hero" {
            if out.hero.is_none() {
                out.hero = Some(slot);
            }
        } else {
            tiles.push((r.try_get("position")?, r.try_get("id")?, slot));
        }
    }
    tiles.sort_by_key(|(position, id, _)| (*position, *id));
    out.tiles = tiles
        .into_iter()
        .take(super::slots::MAX_TILES)
        .map(|(_, _, s)| s)
        .collect();
    Ok(out)
}

/// Every slot for the editors, with the one being edited (`id`) as its form.
pub async fn slot_editor(db: &AnyPool, id: Option<i64>, now: i64) -> AppResult<SlotEditor> {
    let rows = sqlx::query(&format!(
        "SELECT {SLOT_COLUMNS} FROM home_slots ORDER BY kind, position, COALESCE(starts_at, 0) DESC, id"
    ))
    .fetch_all(db)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut form = SlotForm {
        kind: "hero".into(),
        link_kind: "category".into(),
        ..Default::default()
    };
    let mut found = id.is_none();
    for r in &rows {
        let row_id: i64 = r.try_get("id")?;
        let starts_at: Option<i64> = r.try_get("starts_at")?;
        let ends_at: Option<i64> = r.try_get("ends_at")?;
        let link_kind: String = r.try_get("link_kind")?;
        let link_value: String = r.try_get("link_value")?;
        let state = if ends_at.is_some_and(|e| e <= now) {
            "ended"
        } else if starts_at.is_some_and(|s| s > now) {
            "scheduled"
        } else {
            "live"
        };
        if Some(row_id) == id {
            found = true;
            let time = |t: Option<i64>| t.map(format_publish_at).unwrap_or_default();
            form = SlotForm {
                id: row_id.to_string(),
                version: r.try_get::<i64, _>("version")?.to_string(),
                kind: r.try_get("kind")?,
                title_en: r.try_get("title_en")?,
                title_zh: r.try_get("title_zh")?,
                text_en: r.try_get("text_en")?,
                text_zh: r.try_get("text_zh")?,
                link_kind: link_kind.clone(),
                link_value: link_value.clone(),
                image: r.try_get("image")?,
                starts_at: time(starts_at),
                ends_at: time(ends_at),
                position: r.try_get::<i64, _>("position")?.to_string(),
            };
        }
        out.push(SlotRow {
            id: row_id,
            kind: r.try_get("kind")?,
            title: r.try_get("title_en")?,
            url: link_url(&link_kind, &link_value),
            starts_at,
            ends_at,
            position: r.try_get("position")?,
            version: r.try_get("version")?,
            state: state.to_string(),
        });
    }
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(SlotEditor { rows: out, form })
}

/// Whether what a slot links to exists (an entry in any state: a page may go live with
/// its banner).
async fn link_exists(tx: &mut Conn, kind: &str, value: &str) -> AppResult<bool> {
    let sql = match kind {
        "search" => return Ok(true),
        "category" => "SELECT slug FROM categories WHERE slug = $1",
        "product" => "SELECT id FROM products WHERE id = $1",
        "page" => "SELECT slug FROM content_entries WHERE kind = 'page' AND slug = $1",
        _ => "SELECT slug FROM content_entries WHERE kind = 'article' AND slug = $1",
    };
    let found: Option<String> = sqlx::query_scalar(sql)
        .bind(value)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(found.is_some())
}

/// Creates or saves slot `s` by `user` in the caller's write transaction (the version
/// checked and raised in one statement); answers its id and version.
pub async fn save_slot(tx: &mut Conn, user: i64, s: &CleanSlot, now: i64) -> AppResult<(i64, i64)> {
    if !link_exists(&mut *tx, s.link_kind, &s.link_value).await? {
        return Err(AppError::invalid(
            "link_value",
            fill(t(Msg::ErrLinkMissing), &[("value", &s.link_value)]),
        ));
    }
    let (id, version) = match s.id {
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO home_slots (kind, title_en, title_zh, text_en, text_zh, link_kind, link_value, \
                 image, starts_at, ends_at, position, version, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12) RETURNING id",
            )
            .bind(s.kind)
            .bind(&s.title_en)
            .bind(&s.title_zh)
            .bind(&s.text_en)
            .bind(&s.text_zh)
            .bind(s.link_kind)
            .bind(&s.link_value)
            .bind(&s.image)
            .bind(s.starts_at)
            .bind(s.ends_at)
            .bind(s.position)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            (id, 1)
        }
        Some(id) => {
            let done = sqlx::query(
                "UPDATE home_slots SET kind = $1, title_en = $2, title_zh = $3, text_en = $4, text_zh = $5, \
                 link_kind = $6, link_value = $7, image = $8, starts_at = $9, ends_at = $10, position = $11, \
                 version = version + 1, updated_at = $12 WHERE id = $13 AND version = $14",
            )
            .bind(s.kind)
            .bind(&s.title_en)
            .bind(&s.title_zh)
            .bind(&s.text_en)
            .bind(&s.text_zh)
            .bind(s.link_kind)
            .bind(&s.link_value)
            .bind(&s.image)
            .bind(s.starts_at)
            .bind(s.ends_at)
            .bind(s.position)
            .bind(now)
            .bind(id)
            .bind(s.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done != 1 {
                return Err(stale_slot(&mut *tx, id).await?);
            }
            (id, s.version + 1)
        }
    };
    audit(
        &mut *tx,
        Some(user),
        "home_slot_save",
        Some(&format!("slot:{id}:v{version}:{}", s.kind)),
    )
    .await?;
    crate::web::ssr::db::catalogue_changed(&mut *tx).await?;
    Ok((id, version))
}

/// Why a slot's versioned write matched nothing: gone, or saved by someone else.
async fn stale_slot(tx: &mut Conn, id: i64) -> AppResult<AppError> {
    let current: Option<i64> = sqlx::query_scalar("SELECT version FROM home_slots WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(match current {
        None => AppError::NotFound,
        Some(v) => AppError::invalid(
            "version",
            fill(t(Msg::ErrStaleEntry), &[("version", &v.to_string())]),
        ),
    })
}

/// Deletes slot `id` at `version`.
pub async fn delete_slot(tx: &mut Conn, user: i64, id: i64, version: i64) -> AppResult<()> {
    let done = sqlx::query("DELETE FROM home_slots WHERE id = $1 AND version = $2")
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if done != 1 {
        return Err(stale_slot(&mut *tx, id).await?);
    }
    audit(
        &mut *tx,
        Some(user),
        "home_slot_delete",
        Some(&format!("slot:{id}")),
    )
    .await?;
    crate::web::ssr::db::catalogue_changed(&mut *tx).await?;
    Ok(())
}
