//! The catalogue's read model: a snapshot of products, categories and facets loaded from
//! the database into memory, with the search index built over it.
//!
//! Listings, facet counts, search, the home page and related products are all answered
//! from the snapshot (a few thousand products take a few megabytes), so a page costs no
//! SQL for them and every engine answers them the same way. The database stays the truth:
//! each server process rebuilds its snapshot when the `catalog_version` counter moves
//! (see [`CatalogHandle::refresh_if_changed`]), so several processes stay consistent.
//! What changes by the minute (stock on the product page) is read from the database.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use sqlx::{AnyPool, Row};

use super::search::SearchIndex;
use crate::catalog::{
    CategoryRef, CategoryTile, FacetValue, Facets, Filter, Listing, PriceBand, ProductCard, Sort,
    PAGE_SIZE, PRICE_BANDS,
};
use crate::data::stock::{available_expr, for_sale};

/// Loads of the catalogue in this process (each snapshot's `stamp`).
static LOADS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
use crate::domain::Money;
use crate::error::{AppError, AppResult};
use crate::i18n::{fill, format_count, Locale, Msg};

/// A name in every language the shop speaks.
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub en: String,
    pub zh: String,
}

impl Names {
    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::En => &self.en,
            Locale::ZhHant => &self.zh,
        }
    }
}

#[derive(Clone, Debug)]
pub struct CategoryEntry {
    pub slug: String,
    pub parent: Option<usize>,
    pub names: Names,
    pub descriptions: Names,
    pub children: Vec<usize>,
}

#[derive(Clone, Debug)]
pub struct ProductEntry {
    pub card: ProductCard,
    /// The Traditional Chinese title ('' when the editors have not given one).
    pub title_zh: String,
    pub description_en: String,
    pub orders: i64,
    pub first_sold: i64,
    pub primary_category: usize,
    /// The categories the product is in, with their ancestors.
    pub categories: Vec<usize>,
    pub colours: Vec<usize>,
    pub materials: Vec<usize>,
    pub themes: Vec<usize>,
    pub sku_names: Vec<String>,
    /// Its photos in order, alt text in English, with the Chinese alt text beside.
    pub photos: Vec<(crate::ui::photo::Photo, String)>,
}

impl ProductEntry {
    /// Its photos with alt text in the visitor's language (English where no Chinese).
    pub fn localized_photos(&self) -> Vec<crate::ui::photo::Photo> {
        let zh = crate::i18n::current() == Locale::ZhHant;
        self.photos
            .iter()
            .map(|(p, alt_zh)| {
                let mut p = p.clone();
                if zh && !alt_zh.is_empty() {
                    p.alt = alt_zh.clone();
                }
                p
            })
            .collect()
    }

    /// Its card in the visitor's language: the Chinese title where the editors gave one.
    pub fn localized_card(&self) -> ProductCard {
        let mut card = self.card.clone();
        if crate::i18n::current() == Locale::ZhHant && !self.title_zh.is_empty() {
            card.title = self.title_zh.clone();
        }
        card
    }
}

#[derive(Clone, Debug)]
pub struct FacetDef {
    pub value: String,
    pub names: Names,
}

/// One snapshot of the catalogue.
pub struct Catalog {
    /// The database's `catalog_version` this was loaded at.
    pub version: i64,
    /// Which load of this process this is (each load a new number): what the page cache
    /// keys on, so a page rendered before a product went live is not served after.
    pub stamp: u64,
    /// The earliest time a product scheduled to go live does (the snapshot is reloaded
    /// then, on every process, without anyone saving anything).
    pub next_publish: Option<i64>,
    pub products: Vec<ProductEntry>,
    pub categories: Vec<CategoryEntry>,
    pub colours: Vec<FacetDef>,
    pub materials: Vec<FacetDef>,
    pub themes: Vec<FacetDef>,
    product_index: HashMap<String, usize>,
    category_index: HashMap<String, usize>,
    colour_index: HashMap<String, usize>,
    /// Each category's products (its sub-categories' included), most ordered first: built
    /// once per load, so that the header's categories, a category page and a product's
    /// "You may also like" never scan every product per request.
    by_category: Vec<Vec<usize>>,
    search: SearchIndex,
}

/// Where the products of a listing come from.
pub enum Scope {
    /// The products of a category (and its sub-categories), most ordered first.
    Category(usize),
    /// Search hits, best first (product index, score).
    Hits(Vec<(usize, f32)>),
}

impl Catalog {
    /// Reads the whole catalogue from the database and indexes it for search, as it is
    /// for sale now by the system clock.
    pub async fn load(pool: &AnyPool) -> AppResult<Catalog> {
        Catalog::load_at(pool, crate::web::ssr::now_ms()).await
    }

    /// The same, as it is for sale at `now` (the shop's clock: tests move it).
    pub async fn load_at(pool: &AnyPool, now: i64) -> AppResult<Catalog> {
        // One read transaction: every table from the same snapshot, so a commit made
        // meanwhile cannot tear it (PostgreSQL needs REPEATABLE READ for that; a SQLite
        // read transaction in WAL mode is one snapshot already).
        let mut tx = pool.begin().await?;
        if tx.backend_name() == "PostgreSQL" {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let db = &mut *tx;
        let version: i64 = sqlx::query("SELECT value FROM counters WHERE name = 'catalog_version'")
            .fetch_optional(&mut *db)
            .await?
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?
            .unwrap_or(0);

        let rows = sqlx::query(
            "SELECT slug, parent_slug, name_en, name_zh, description_en, description_zh FROM categories ORDER BY position, slug",
        )
        .fetch_all(&mut *db)
        .await?;
        let mut categories = Vec::with_capacity(rows.len());
        let mut parents = Vec::with_capacity(rows.len());
        for r in rows {
            categories.push(CategoryEntry {
                slug: r.try_get("slug")?,
                parent: None,
                names: Names {
                    en: r.try_get("name_en")?,
                    zh: r.try_get("name_zh")?,
                },
                descriptions: Names {
                    en: r.try_get("description_en")?,
                    zh: r.try_get("description_zh")?,
                },
                children: Vec::new(),
            });
            parents.push(r.try_get::<Option<String>, _>("parent_slug")?);
        }
        let category_index: HashMap<String, usize> = categories
            .iter()
            .enumerate()
            .map(|(i, c)| (c.slug.clone(), i))
            .collect();
        for (i, parent) in parents.iter().enumerate() {
            if let Some(&p) = parent.as_ref().and_then(|p| category_index.get(p)) {
                // The editors never make a cycle; one made by hand in the database is
                // cut here (the category shows at the top) rather than walked forever.
                let mut up = Some(p);
                while let Some(a) = up.filter(|&a| a != i) {
                    up = categories[a].parent;
                }
                if up == Some(i) {
                    tracing::warn!(category = %categories[i].slug, "category cycle cut at load");
                    continue;
                }
                categories[i].parent = Some(p);
                categories[p].children.push(i);
            }
        }

        let mut colours = Vec::new();
        let mut materials = Vec::new();
        let mut themes = Vec::new();
        for r in sqlx::query(
            "SELECT kind, value, name_en, name_zh FROM facet_values ORDER BY kind, position, value",
        )
        .fetch_all(&mut *db)
        .await?
        {
            let def = FacetDef {
                value: r.try_get("value")?,
                names: Names {
                    en: r.try_get("name_en")?,
                    zh: r.try_get("name_zh")?,
                },
            };
            match r.try_get::<String, _>("kind")?.as_str() {
                "colour" => colours.push(def),
                "material" => materials.push(def),
                "theme" => themes.push(def),
                _ => {}
            }
        }
        let index_of = |defs: &[FacetDef]| -> HashMap<String, usize> {
            defs.iter()
                .enumerate()
                .map(|(i, d)| (d.value.clone(), i))
                .collect()
        };
        let colour_index = index_of(&colours);
        let material_index = index_of(&materials);
        let theme_index = index_of(&themes);

        // Only what is for sale now; the first scheduled product or content entry to go
        // live (or home page slot to start or end) after now is remembered so every process reloads (and its cached pages
        // change) at that moment.
        let next_publish: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(at) FROM (SELECT publish_at AS at FROM products WHERE status = 'active' AND publish_at > $1 \
             UNION ALL SELECT publish_at FROM content_entries WHERE status = 'published' AND publish_at > $1 \
             UNION ALL SELECT starts_at FROM home_slots WHERE starts_at > $1 \
             UNION ALL SELECT ends_at FROM home_slots WHERE ends_at > $1) due",
        )
        .bind(now)
        .fetch_one(&mut *db)
        .await?;
        let mut products = Vec::new();
        for r in sqlx::query(&format!(
            "SELECT id, slug, title, title_zh, description_en, primary_category, first_sold_at, orders_count \
             FROM products p WHERE {} ORDER BY id",
            for_sale("p.id", "$1")
        ))
        .bind(now)
        .fetch_all(&mut *db)
        .await?
        {
            let primary: String = r.try_get("primary_category")?;
            let Some(&primary_category) = category_index.get(&primary) else { continue };
            products.push(ProductEntry {
                card: ProductCard {
                    id: r.try_get("id")?,
                    slug: r.try_get("slug")?,
                    title: r.try_get("title")?,
                    price_min: Money::default(),
                    price_max: Money::default(),
                    in_stock: false,
                    image_sku: String::new(),
                    variants: 0,
                    photo: None,
                },
                title_zh: r.try_get("title_zh")?,
                description_en: r.try_get("description_en")?,
                orders: r.try_get("orders_count")?,
                first_sold: r.try_get("first_sold_at")?,
                primary_category,
                categories: Vec::new(),
                colours: Vec::new(),
                materials: Vec::new(),
                themes: Vec::new(),
                sku_names: Vec::new(),
                photos: Vec::new(),
            });
        }
        let product_index: HashMap<String, usize> = products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.card.id.clone(), i))
            .collect();

        let skus = format!(
            "SELECT sku, product_id, label, price_pence, {} AS available \
             FROM skus ORDER BY product_id, position",
            available_expr("$1")
        );
        for r in sqlx::query(&skus).bind(now).fetch_all(&mut *db).await? {
            let Some(&i) = product_index.get(&r.try_get::<String, _>("product_id")?) else {
                continue;
            };
            let p = &mut products[i];
            let price = Money::gbp(r.try_get("price_pence")?);
            let stock: i64 = r.try_get("available")?;
            let sku: String = r.try_get("sku")?;
            if p.card.variants == 0 {
                p.card.image_sku = sku;
                p.card.price_min = price;
                p.card.price_max = price;
            } else {
                p.card.price_min = p.card.price_min.min(price);
                p.card.price_max = p.card.price_max.max(price);
            }
            p.card.variants += 1;
            p.card.in_stock |= stock > 0;
            p.sku_names.push(r.try_get("label")?);
        }

        for r in sqlx::query(
            "SELECT i.product_id, i.sku, m.key, m.widths, m.width, m.height, m.alt_en, m.alt_zh \
             FROM product_images i JOIN media m ON m.id = i.media_id ORDER BY i.product_id, i.position, m.id",
        )
        .fetch_all(&mut *db)
        .await?
        {
            let Some(&i) = product_index.get(&r.try_get::<String, _>("product_id")?) else {
                continue;
            };
            let widths: String = r.try_get("widths")?;
            let photo = crate::data::media::photo(
                r.try_get("key")?,
                &widths,
                r.try_get("width")?,
                r.try_get("height")?,
                r.try_get("alt_en")?,
                r.try_get("sku")?,
            );
            products[i].photos.push((photo, r.try_get("alt_zh")?));
        }
        for p in &mut products {
            // The card shows the first photo of the whole product (else the first).
            p.card.photo = p
                .photos
                .iter()
                .find(|(ph, _)| ph.sku.is_none())
                .or(p.photos.first())
                .map(|(ph, _)| ph.clone());
        }

        for r in sqlx::query("SELECT product_id, category_slug FROM product_categories")
            .fetch_all(&mut *db)
            .await?
        {
            let (Some(&i), Some(&c)) = (
                product_index.get(&r.try_get::<String, _>("product_id")?),
                category_index.get(&r.try_get::<String, _>("category_slug")?),
            ) else {
                continue;
            };
            let mut next = Some(c);
            while let Some(c) = next {
                if !products[i].categories.contains(&c) {
                    products[i].categories.push(c);
                }
                next = categories[c].parent;
            }
        }

        for r in sqlx::query("SELECT product_id, kind, value FROM product_facets")
            .fetch_all(&mut *db)
            .await?
        {
            let Some(&i) = product_index.get(&r.try_get::<String, _>("product_id")?) else {
                continue;
            };
            let value: String = r.try_get("value")?;
            let p = &mut products[i];
            match r.try_get::<String, _>("kind")?.as_str() {
                "colour" => p.colours.extend(colour_index.get(&value)),
                "material" => p.materials.extend(material_index.get(&value)),
                "theme" => p.themes.extend(theme_index.get(&value)),
                _ => {}
            }
        }
        // A product without a SKU cannot be shown or bought.
        let products: Vec<ProductEntry> = products
            .into_iter()
            .filter(|p| p.card.variants > 0)
            .collect();
        let product_index = products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.card.id.clone(), i))
            .collect();

        let mut catalog = Catalog {
            version,
            stamp: LOADS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
            next_publish,
            products,
            categories,
            colours,
            materials,
            themes,
            product_index,
            category_index,
            colour_index,
            by_category: Vec::new(),
            search: SearchIndex::empty(),
        };
        catalog.by_category = catalog.index_by_category();
        catalog.search = SearchIndex::build(&catalog).map_err(|e| {
            tracing::error!(error = %e, "building the search index failed");
            AppError::Internal
        })?;
        Ok(catalog)
    }

    pub fn product(&self, id: &str) -> Option<&ProductEntry> {
        self.product_index.get(id).map(|&i| &self.products[i])
    }

    pub fn category_index(&self, slug: &str) -> Option<usize> {
        self.category_index.get(slug).copied()
    }

    pub fn category_ref(&self, i: usize, locale: Locale) -> CategoryRef {
        let c = &self.categories[i];
        CategoryRef {
            slug: c.slug.clone(),
            name: c.names.get(locale).to_string(),
        }
    }

    /// The chain of categories from the top down to `i`.
    pub fn ancestry(&self, i: usize, locale: Locale) -> Vec<CategoryRef> {
        let mut chain = vec![self.category_ref(i, locale)];
        let mut next = self.categories[i].parent;
        while let Some(p) = next {
            chain.push(self.category_ref(p, locale));
            next = self.categories[p].parent;
        }
        chain.reverse();
        chain
    }

    pub fn top_categories(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.categories.len()).filter(|&i| self.categories[i].parent.is_none())
    }

    pub fn search(&self) -> &SearchIndex {
        &self.search
    }

    /// The products of `category`, most ordered first.
    fn products_in(&self, category: usize) -> impl Iterator<Item = usize> + '_ {
        self.by_category
            .get(category)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .copied()
    }

    fn index_by_category(&self) -> Vec<Vec<usize>> {
        let mut lists = vec![Vec::new(); self.categories.len()];
        for i in self.most_ordered((0..self.products.len()).collect()) {
            for &c in &self.products[i].categories {
                if let Some(list) = lists.get_mut(c) {
                    list.push(i);
                }
            }
        }
        lists
    }

    pub fn category_count(&self, category: usize) -> u32 {
        self.by_category.get(category).map_or(0, Vec::len) as u32
    }

    fn most_ordered(&self, mut items: Vec<usize>) -> Vec<usize> {
        items.sort_by(|&a, &b| {
            let (pa, pb) = (&self.products[a], &self.products[b]);
            pb.orders
                .cmp(&pa.orders)
                .then_with(|| pa.card.id.cmp(&pb.card.id))
        });
        items
    }

    pub fn cards(&self, items: impl IntoIterator<Item = usize>) -> Vec<ProductCard> {
        items
            .into_iter()
            .map(|i| self.products[i].localized_card())
            .collect()
    }

    /// Home page: top categories, the most ordered products and the newest in stock.
    pub fn home(&self, locale: Locale, per_row: usize) -> crate::catalog::HomeData {
        let categories = self
            .top_categories()
            .map(|c| {
                let best = self.products_in(c).next();
                CategoryTile {
                    slug: self.categories[c].slug.clone(),
                    name: self.categories[c].names.get(locale).to_string(),
                    count: self.category_count(c),
                    image_sku: best
                        .map(|b| self.products[b].card.image_sku.clone())
                        .unwrap_or_default(),
                    photo: best.and_then(|b| self.products[b].card.photo.clone()),
                }
            })
            .filter(|t| t.count > 0)
            .collect();
        let bestsellers = self.most_ordered((0..self.products.len()).collect());
        let mut newest: Vec<usize> = (0..self.products.len())
            .filter(|&i| self.products[i].card.in_stock)
            .collect();
        newest.sort_by(|&a, &b| {
            let (pa, pb) = (&self.products[a], &self.products[b]);
            pb.first_sold
                .cmp(&pa.first_sold)
                .then_with(|| pa.card.id.cmp(&pb.card.id))
        });
        crate::catalog::HomeData {
            categories,
            bestsellers: self.cards(bestsellers.into_iter().take(per_row)),
            new_arrivals: self.cards(newest.into_iter().take(per_row)),
        }
    }

    /// The `n` most ordered products.
    pub fn bestsellers(&self, n: usize) -> Vec<ProductCard> {
        let all = (0..self.products.len()).collect();
        self.cards(self.most_ordered(all).into_iter().take(n))
    }

    /// Products from the same primary category, most ordered first.
    pub fn related(&self, id: &str, n: usize) -> Vec<ProductCard> {
        let Some(&me) = self.product_index.get(id) else {
            return Vec::new();
        };
        let category = self.products[me].primary_category;
        self.cards(self.products_in(category).filter(|&i| i != me).take(n))
    }

    fn colour_name(&self, i: usize, locale: Locale) -> String {
        self.colours[i].names.get(locale).to_string()
    }

    pub fn facet_names(&self, defs: &[usize], kind: &[FacetDef], locale: Locale) -> Vec<String> {
        defs.iter()
            .map(|&i| kind[i].names.get(locale).to_string())
            .collect()
    }

    /// One page of a listing with its facets. `facet_root` is the category whose
    /// children the category facet offers (the top level when `None`).
    pub fn listing(
        &self,
        scope: Scope,
        facet_root: Option<usize>,
        filter: &Filter,
        locale: Locale,
    ) -> AppResult<Listing> {
        let category = match filter.category.as_deref() {
            None => None,
            Some(slug) => {
                let offered = self.facet_categories(facet_root);
                match self.category_index(slug).filter(|c| offered.contains(c)) {
                    Some(c) => Some(c),
                    None => {
                        return Err(AppError::invalid(
                            "cat",
                            fill(Msg::ErrUnknownValue.text(locale), &[("value", slug)]),
                        ))
                    }
                }
            }
        };
        let colour = match filter.colour.as_deref() {
            None => None,
            Some(value) => match self.colour_index.get(value) {
                Some(&c) => Some(c),
                None => {
                    return Err(AppError::invalid(
                        "colour",
                        fill(Msg::ErrUnknownValue.text(locale), &[("value", value)]),
                    ))
                }
            },
        };

        // Candidates in the scope's own order (relevance).
        let candidates: Vec<usize> = match scope {
            Scope::Category(c) => self.products_in(c).collect(),
            Scope::Hits(hits) => hits.into_iter().map(|(i, _)| i).collect(),
        };
        let in_category =
            |i: usize| category.is_none_or(|c| self.products[i].categories.contains(&c));
        let in_colour = |i: usize| colour.is_none_or(|c| self.products[i].colours.contains(&c));
        let in_price = |i: usize| {
            let price = self.products[i].card.price_min;
            filter.min_price.is_none_or(|lo| price >= lo)
                && filter.max_price.is_none_or(|hi| price <= hi)
        };

        // Facet counts are disjunctive: each facet counts with every filter but its own.
        let categories = self
            .facet_categories(facet_root)
            .into_iter()
            .map(|c| FacetValue {
                value: self.categories[c].slug.clone(),
                label: self.categories[c].names.get(locale).to_string(),
                count: candidates
                    .iter()
                    .filter(|&&i| {
                        in_colour(i) && in_price(i) && self.products[i].categories.contains(&c)
                    })
                    .count() as u32,
                selected: category == Some(c),
            })
            .filter(|f| f.count > 0 || f.selected)
            .collect();
        let mut colour_counts = vec![0u32; self.colours.len()];
        for &i in candidates
            .iter()
            .filter(|&&i| in_category(i) && in_price(i))
        {
            for &c in &self.products[i].colours {
                colour_counts[c] += 1;
            }
        }
        let colours = colour_counts
            .iter()
            .enumerate()
            .filter(|&(c, &n)| n > 0 || colour == Some(c))
            .map(|(c, &n)| FacetValue {
                value: self.colours[c].value.clone(),
                label: self.colour_name(c, locale),
                count: n,
                selected: colour == Some(c),
            })
            .collect();
        let priced: Vec<Money> = candidates
            .iter()
            .filter(|&&i| in_category(i) && in_colour(i))
            .map(|&i| self.products[i].card.price_min)
            .collect();
        let prices = PRICE_BANDS
            .iter()
            .map(|&(lo, hi)| PriceBand {
                min: lo,
                max: hi,
                count: priced
                    .iter()
                    .filter(|&&p| lo.is_none_or(|lo| p >= lo) && hi.is_none_or(|hi| p <= hi))
                    .count() as u32,
                selected: filter.min_price == lo && filter.max_price == hi,
            })
            .collect();

        let mut matches: Vec<usize> = candidates
            .into_iter()
            .filter(|&i| in_category(i) && in_colour(i) && in_price(i))
            .collect();
        let p = &self.products;
        match filter.sort {
            Sort::Relevance => {} // the scope's order
            Sort::PriceAsc => matches.sort_by(|&a, &b| {
                p[a].card
                    .price_min
                    .cmp(&p[b].card.price_min)
                    .then(p[a].card.id.cmp(&p[b].card.id))
            }),
            Sort::PriceDesc => matches.sort_by(|&a, &b| {
                p[b].card
                    .price_min
                    .cmp(&p[a].card.price_min)
                    .then(p[a].card.id.cmp(&p[b].card.id))
            }),
            Sort::Bestselling => matches = self.most_ordered(matches),
            Sort::Newest => matches.sort_by(|&a, &b| {
                p[b].first_sold
                    .cmp(&p[a].first_sold)
                    .then(p[a].card.id.cmp(&p[b].card.id))
            }),
        }

        let total = matches.len() as u32;
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        if filter.page > pages {
            return Err(AppError::invalid(
                "page",
                fill(
                    Msg::ErrPageOutOfRange.text(locale),
                    &[("pages", &format_count(pages as i64, locale))],
                ),
            ));
        }
        let start = ((filter.page - 1) * PAGE_SIZE) as usize;
        let products = self.cards(matches.into_iter().skip(start).take(PAGE_SIZE as usize));
        Ok(Listing {
            products,
            total,
            page: filter.page,
            pages,
            facets: Facets {
                categories,
                colours,
                prices,
            },
            sort: filter.sort,
            notice: filter
                .query_shortened
                .then(|| Msg::SearchShortened.text(locale).to_string()),
        })
    }

    /// The categories a listing's category facet offers.
    fn facet_categories(&self, root: Option<usize>) -> Vec<usize> {
        match root {
            Some(r) => self.categories[r].children.clone(),
            None => self.top_categories().collect(),
        }
    }
}

/// The current snapshot, shared by all requests of a process and swapped whole when the
/// catalogue changes.
#[derive(Clone)]
pub struct CatalogHandle(Arc<RwLock<Arc<Catalog>>>);

impl CatalogHandle {
    pub fn new(catalog: Catalog) -> Self {
        CatalogHandle(Arc::new(RwLock::new(Arc::new(catalog))))
    }

    pub fn current(&self) -> Arc<Catalog> {
        match self.0.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Swaps in `catalog` unless the snapshot already holds a later catalogue version.
    /// Two loads can overlap (the periodic look and an editor's own reload): the one that
    /// read the older version may finish last, and must not put the old state back, or a
    /// renamed category would answer at its old address until the next look.
    pub fn replace(&self, catalog: Catalog) -> bool {
        let mut guard = match self.0.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if catalog.version < guard.version {
            return false;
        }
        *guard = Arc::new(catalog);
        true
    }

    /// Reloads the snapshot if the database's catalogue version moved, or a scheduled
    /// product's time to go live has come by `now` (the shop's clock). Returns whether it did.
    pub async fn refresh_if_changed(&self, db: &AnyPool, now: i64) -> AppResult<bool> {
        let version: Option<i64> =
            sqlx::query_scalar("SELECT value FROM counters WHERE name = 'catalog_version'")
                .fetch_optional(db)
                .await?;
        let current = self.current();
        let due = current.next_publish.is_some_and(|at| at <= now);
        if version.unwrap_or(0) == current.version && !due {
            return Ok(false);
        }
        let catalog = Catalog::load_at(db, now).await?;
        let (loaded, products) = (catalog.version, catalog.products.len());
        if !self.replace(catalog) {
            tracing::debug!(
                catalog.version = loaded,
                "a later catalogue was loaded meanwhile"
            );
            return Ok(false);
        }
        tracing::info!(
            catalog.version = loaded,
            catalog.products = products,
            "catalogue reloaded"
        );
        Ok(true)
    }
}

#[cfg(test)]
mod handle_tests {
    use super::*;

    fn empty_at(version: i64) -> Catalog {
        Catalog {
            version,
            stamp: LOADS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
            next_publish: None,
            products: Vec::new(),
            categories: Vec::new(),
            colours: Vec::new(),
            materials: Vec::new(),
            themes: Vec::new(),
            product_index: HashMap::new(),
            category_index: HashMap::new(),
            colour_index: HashMap::new(),
            by_category: Vec::new(),
            search: SearchIndex::empty(),
        }
    }

    #[test]
    fn a_load_that_finishes_late_never_puts_an_older_catalogue_back() {
        let handle = CatalogHandle::new(empty_at(3));
        assert!(handle.replace(empty_at(5)));
        assert!(!handle.replace(empty_at(4)), "version 4 finished after 5");
        assert_eq!(handle.current().version, 5);
        // The same version again (a scheduled product went live): taken.
        let stamp = handle.current().stamp;
        assert!(handle.replace(empty_at(5)));
        assert_ne!(handle.current().stamp, stamp);
    }
}
