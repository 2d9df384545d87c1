//! Category editing (`/admin/categories`): an editor renames, moves, reorders, adds and
//! removes categories; the storefront's old addresses answer 301 (flat chains), products
//! and sub-categories follow; two editors at once; bad input field by field; a renamed
//! page's old address. On both engines, through the real router.

use crate::common;

use common::identity::{make_admin, HTML};
use common::{Response, TestApp};

fn body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                app::web::encode_query_value(&format!("form[{k}]")),
                app::web::encode_query_value(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

async fn save(app: &TestApp, sid: &str, fields: &[(&str, &str)]) -> Response {
    app.post_form_with(
        "/api/admin/categories/save",
        &body(fields),
        &[HTML, ("cookie", &format!("sid={sid}"))],
    )
    .await
}

/// The form page a refused post went back to, with its flash: the field the error is
/// about and the message.
async fn refused(app: &TestApp, sid: &str, res: &Response) -> (String, String) {
    assert_eq!(res.status, 303, "{}", res.body);
    let flash = res.set_cookie("flash").expect("a flash cookie");
    let page = app
        .get_with(
            res.header("location"),
            &[("cookie", &format!("sid={sid}; flash={flash}"))],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let field = match page.body.split_once("aria-invalid=\"true\"") {
        Some((before, _)) => before
            .rsplit("name=\"")
            .next()
            .and_then(|s| s.split('"').next())
            .unwrap_or_default()
            .to_string(),
        None => String::new(),
    };
    let message = format!(
        "{}{}",
        page.test_text("field-error"),
        page.test_text("form-error")
    );
    (field, message)
}

async fn version(app: &TestApp, slug: &str) -> String {
    app.count(&format!(
        "SELECT version FROM categories WHERE slug = '{slug}'"
    ))
    .await
    .to_string()
}

/// A top-level category with sub-categories and products of its own, and one of its
/// sub-categories.
async fn a_parent(app: &TestApp) -> (String, String) {
    sqlx::query_as(
        "SELECT c.slug, k.slug FROM categories c JOIN categories k ON k.parent_slug = c.slug \
         WHERE c.parent_slug IS NULL AND EXISTS (SELECT 1 FROM product_categories pc WHERE pc.category_slug = k.slug) \
         ORDER BY c.position, k.position LIMIT 1",
    )
    .fetch_one(&app.state.app.db)
    .await
    .expect("a category with a sub-category")
}

on_both_engines! {
    async fn an_editor_renames_moves_and_adds_categories_and_old_addresses_move_on(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let (top, child) = a_parent(&app).await;
        let members = app.count(&format!("SELECT COUNT(*) FROM product_categories WHERE category_slug = '{child}'")).await;
        assert!(members > 0);
        let primaries = app.count(&format!("SELECT COUNT(*) FROM products WHERE primary_category = '{child}'")).await;

        // The tree lists every category, the child under its parent.
        let page = app.get_with("/admin/categories", &[("cookie", &format!("sid={sid}"))]).await;
        assert_eq!(page.status, 200);
        assert_eq!(page.count_test("category-row") as i64, app.count("SELECT COUNT(*) FROM categories").await);
        let at = |slug: &str| page.body.find(&format!("data-slug=\"{slug}\"")).expect("row");
        assert!(at(&top) < at(&child));

        // Renamed: names and address. Products, links and the old address follow.
        sqlx::query(&format!("INSERT INTO home_slots (kind, title_en, link_kind, link_value, updated_at) VALUES ('tile', 'Tile', 'category', '{child}', 0)"))
            .execute(&app.state.app.db).await.expect("slot");
        let v = version(&app, &child).await;
        let res = save(&app, &sid, &[("id", &child), ("version", &v), ("slug", "lantern-corner"), ("name_en", "Lantern Corner"), ("name_zh", "燈籠角落"), ("parent", &top), ("position", "3")]).await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(res.header("location"), format!("/admin/categories?slug=lantern-corner&saved={}", v.parse::<i64>().unwrap() + 1));
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM categories WHERE slug = '{child}'")).await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM product_categories WHERE category_slug = 'lantern-corner'").await, members);
        assert_eq!(app.count("SELECT COUNT(*) FROM products WHERE primary_category = 'lantern-corner'").await, primaries);
        assert_eq!(app.count("SELECT COUNT(*) FROM home_slots WHERE link_value = 'lantern-corner'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'category_rename'").await, 1);
        let new = app.get("/c/lantern-corner").await;
        assert_eq!(new.status, 200);
        assert_eq!(new.test_text("page-heading"), "Lantern Corner");
        let top_name: String = sqlx::query_scalar(&format!("SELECT name_en FROM categories WHERE slug = '{top}'"))
            .fetch_one(&app.state.app.db).await.expect("top");
        assert_eq!(new.test_text("breadcrumbs"), format!("Home{top_name}Lantern Corner"), "breadcrumbs lead to its parent");
        let old = app.get(&format!("/c/{child}")).await;
        assert_eq!(old.status, 301);
        assert_eq!(old.header("location"), "/c/lantern-corner");
        // The sort and page go along.
        let old = app.get(&format!("/c/{child}?sort=newest")).await;
        assert_eq!(old.header("location"), "/c/lantern-corner?sort=newest");
        // The API says where it went, as a 404 with the address.
        let api = app.get(&format!("/api/catalog/category?slug={child}")).await;
        assert_eq!(api.status, 404);
        assert!(api.body.contains("/c/lantern-corner"), "{}", api.body);

        // Renamed again: the first address goes straight to the newest (one hop).
        let v = version(&app, "lantern-corner").await;
        let res = save(&app, &sid, &[("id", "lantern-corner"), ("version", &v), ("slug", "lantern-nook"), ("name_en", "Lantern Nook"), ("parent", &top), ("position", "3")]).await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(app.get(&format!("/c/{child}")).await.header("location"), "/c/lantern-nook");
        assert_eq!(app.get("/c/lantern-corner").await.header("location"), "/c/lantern-nook");

        // Moved to the top level: its page loses the parent in its breadcrumbs.
        let v = version(&app, "lantern-nook").await;
        let res = save(&app, &sid, &[("id", "lantern-nook"), ("version", &v), ("slug", "lantern-nook"), ("name_en", "Lantern Nook"), ("parent", ""), ("position", "0")]).await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM categories WHERE slug = 'lantern-nook' AND parent_slug IS NULL").await, 1);
        assert_eq!(app.get("/c/lantern-nook").await.test_text("breadcrumbs"), "HomeLantern Nook");

        // A parent cannot go under its own child.
        let v = version(&app, "lantern-nook").await;
        let res = save(&app, &sid, &[("id", "lantern-nook"), ("version", &v), ("slug", "lantern-nook"), ("name_en", "Lantern Nook"), ("parent", &top), ("position", "0")]).await;
        assert_eq!(res.status, 303, "{}", res.body);
        let v = version(&app, &top).await;
        let res = save(&app, &sid, &[("id", &top), ("version", &v), ("slug", &top), ("name_en", "Top"), ("parent", "lantern-nook"), ("position", "0")]).await;
        let (field, message) = refused(&app, &sid, &res).await;
        assert_eq!(field, "form[parent]");
        assert!(message.contains("cannot go under itself"), "{message}");
        assert_eq!(version(&app, &top).await, v, "nothing saved");

        // Added: the slug from the English name; it shows on the storefront at once.
        let res = save(&app, &sid, &[("name_en", "Winter Walks"), ("parent", &top), ("position", "9")]).await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(res.header("location"), "/admin/categories?slug=winter-walks&saved=1");
        assert_eq!(app.get("/c/winter-walks").await.test_text("page-heading"), "Winter Walks");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'category_create'").await, 1);
        // Its address was free; a second with the same name is refused by field.
        let res = save(&app, &sid, &[("name_en", "Winter Walks")]).await;
        let (field, _) = refused(&app, &sid, &res).await;
        assert_eq!(field, "form[slug]");
    }

    async fn removing_a_category_moves_its_products_and_children_and_sends_visitors_on(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let (top, gone) = a_parent(&app).await;
        let other: String = sqlx::query_scalar(&format!(
            "SELECT slug FROM categories WHERE parent_slug IS NULL AND slug <> '{top}' ORDER BY position LIMIT 1"
        ))
        .fetch_one(&app.state.app.db).await.expect("another top category");
        // It gets a sub-category of its own, which must survive it.
        sqlx::query(&format!("INSERT INTO categories (slug, parent_slug, position, name_en, name_zh, description_en, description_zh) VALUES ('little-ones', '{gone}', 0, 'Little Ones', '', '', '')"))
            .execute(&app.state.app.db).await.expect("a sub-category");
        let products = app.count(&format!("SELECT COUNT(*) FROM products p WHERE p.primary_category = '{gone}' OR EXISTS (SELECT 1 FROM product_categories pc WHERE pc.product_id = p.id AND pc.category_slug = '{gone}')")).await;
        assert!(products > 0);
        let before_other = app.count(&format!("SELECT COUNT(*) FROM product_categories WHERE category_slug = '{other}'")).await;
        let delete = |version: String, move_to: &str| {
            format!("slug={gone}&version={version}&move_to={move_to}")
        };

        // Without a place for its products: refused, by field, nothing changed.
        let v = version(&app, &gone).await;
        let res = app.post_form_with("/api/admin/categories/delete", &delete(v.clone(), ""), &[HTML, ("cookie", &format!("sid={sid}"))]).await;
        assert_eq!(res.status, 303);
        let flash = res.set_cookie("flash").expect("flash");
        let page = app.get_with(res.header("location"), &[("cookie", &format!("sid={sid}; flash={flash}"))]).await;
        assert!(page.test_text("field-error").contains(&format!("Choose where its {products} products go")), "{}", page.test_text("field-error"));
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM categories WHERE slug = '{gone}'")).await, 1);
        // A stale version: refused (a script gets the error itself).
        let res = app.post_form_with("/api/admin/categories/delete", &delete("999".into(), &other), &[("cookie", &format!("sid={sid}"))]).await;
        assert_eq!(res.status, 400, "{}", res.body);
        assert!(res.body.contains("version"), "{}", res.body);

        // Moved to `other`: products there, its child under its parent, the address sent on.
        let res = app.post_form_with("/api/admin/categories/delete", &delete(v, &other), &[HTML, ("cookie", &format!("sid={sid}"))]).await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(res.header("location"), "/admin/categories?deleted=1");
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM categories WHERE slug = '{gone}'")).await, 0);
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM product_categories WHERE category_slug = '{gone}'")).await, 0);
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM products WHERE primary_category = '{gone}'")).await, 0);
        assert!(app.count(&format!("SELECT COUNT(*) FROM product_categories WHERE category_slug = '{other}'")).await >= before_other + products.min(1));
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM categories WHERE slug = 'little-ones' AND parent_slug = '{top}'")).await, 1);
        let old = app.get(&format!("/c/{gone}")).await;
        assert_eq!(old.status, 301);
        assert_eq!(old.header("location"), format!("/c/{other}"));
        assert_eq!(app.get("/c/little-ones").await.status, 200, "the child lives on");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'category_delete'").await, 1);
        // Every product still has a primary category that exists.
        assert_eq!(app.count("SELECT COUNT(*) FROM products p WHERE NOT EXISTS (SELECT 1 FROM categories c WHERE c.slug = p.primary_category)").await, 0);

        // An empty category without a parent: removed with nowhere to send visitors.
        let v = version(&app, "little-ones").await;
        sqlx::query("UPDATE categories SET parent_slug = NULL WHERE slug = 'little-ones'").execute(&app.state.app.db).await.expect("top");
        let res = app.post_form_with("/api/admin/categories/delete", &format!("slug=little-ones&version={v}&move_to="), &[HTML, ("cookie", &format!("sid={sid}"))]).await;
        assert_eq!(res.header("location"), "/admin/categories?deleted=1", "{}", res.body);
        assert_eq!(app.get("/c/little-ones").await.status, 404);
    }

    async fn two_editors_and_bad_input_get_clear_answers_and_nothing_is_half_saved(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let other = make_admin(&app, "bo@example.com").await;
        let (top, child) = a_parent(&app).await;
        let v = version(&app, &child).await;
        let first = save(&app, &sid, &[("id", &child), ("version", &v), ("slug", &child), ("name_en", "First Name"), ("parent", &top)]).await;
        assert_eq!(first.status, 303, "{}", first.body);
        let second = save(&app, &other, &[("id", &child), ("version", &v), ("slug", "second-slug"), ("name_en", "Second Name"), ("parent", &top)]).await;
        let (field, message) = refused(&app, &other, &second).await;
        assert_eq!(field, "");
        assert!(message.contains("Someone saved this entry"), "{message}");
        let name: String = sqlx::query_scalar(&format!("SELECT name_en FROM categories WHERE slug = '{child}'"))
            .fetch_one(&app.state.app.db).await.expect("kept");
        assert_eq!(name, "First Name");
        assert_eq!(app.count("SELECT COUNT(*) FROM categories WHERE slug = 'second-slug'").await, 0);

        // Bad fields, each answered by field (a script gets 400 and the field).
        let v = version(&app, &child).await;
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (vec![("name_en", "")], "name_en"),
            (vec![("name_en", "Ok"), ("slug", "Not A Slug")], "slug"),
            (vec![("name_en", "Ok"), ("position", "-3")], "position"),
            (vec![("name_en", "Ok"), ("parent", "no-such-category")], "parent"),
            (vec![("name_en", "Ok"), ("slug", &top)], "slug"),
            (vec![("id", &child), ("version", "zero"), ("slug", &child), ("name_en", "Ok")], "version"),
            (vec![("id", &child), ("version", &v), ("slug", &child), ("name_en", "Ok"), ("parent", &child)], "parent"),
        ];
        let before = app.count("SELECT COUNT(*) FROM categories").await;
        for (fields, field) in cases {
            let res = app.post_form_with("/api/admin/categories/save", &body(&fields), &[("cookie", &format!("sid={sid}"))]).await;
            assert_eq!(res.status, 400, "{fields:?}: {}", res.body);
            assert!(res.body.contains(&format!("\"field\":\"{field}\"")), "{fields:?}: {}", res.body);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM categories").await, before);
        assert_eq!(version(&app, &child).await, v);
        // A category that does not exist: 404 for the page and the function.
        let page = app.get_with("/admin/categories?slug=no-such-category", &[("cookie", &format!("sid={sid}"))]).await;
        assert_eq!(page.status, 404);
    }

    async fn a_renamed_page_keeps_its_old_address(app) {
        let sid = make_admin(&app, "ed@example.com").await;
        let fields = |slug: &str, id: &str, version: &str| {
            [
                ("id", id.to_string()), ("version", version.to_string()), ("kind", "page".to_string()),
                ("slug", slug.to_string()), ("title_en", "Winter sale".to_string()),
                ("body_en", "Everything warm.".to_string()), ("status", "published".to_string()),
            ]
            .iter()
            .map(|(k, v)| format!("{}={}", app::web::encode_query_value(&format!("form[{k}]")), app::web::encode_query_value(v)))
            .collect::<Vec<_>>()
            .join("&")
        };
        let post = |b: String| {
            let app = &app;
            let sid = sid.clone();
            async move { app.post_form_with("/api/admin/content/save", &b, &[HTML, ("cookie", &format!("sid={sid}"))]).await }
        };
        let res = post(fields("winter-sale", "", "")).await;
        assert_eq!(res.status, 303, "{}", res.body);
        let id = app.count("SELECT id FROM content_entries WHERE slug = 'winter-sale'").await.to_string();
        let res = post(fields("winter-sale-2026", &id, "1")).await;
        assert_eq!(res.status, 303, "{}", res.body);
        let old = app.get("/pages/winter-sale").await;
        assert_eq!(old.status, 301);
        assert_eq!(old.header("location"), "/pages/winter-sale-2026");
        assert_eq!(app.get("/pages/winter-sale-2026").await.test_text("page-heading"), "Winter sale");
        // Renamed back: the first address is live again, the second sends on to it.
        let res = post(fields("winter-sale", &id, "2")).await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(app.get("/pages/winter-sale").await.status, 200);
        assert_eq!(app.get("/pages/winter-sale-2026").await.header("location"), "/pages/winter-sale");
        // An address never used is a plain 404.
        assert_eq!(app.get("/pages/never-was").await.status, 404);
    }
}
