//! Staff and admin: the guard on every staff server function and admin page, roles, the
//! dashboard, the audit log and the read-only lists; through the real router, on both
//! engines.

use crate::common;

use common::identity::{as_user, call, form, make_admin, register, GOOD_PASSWORD, HTML};

on_both_engines! {
    async fn every_staff_server_function_and_admin_page_is_guarded(app) {
        let shopper = register(&app, "gil@example.com").await;
        let functions: Vec<(String, String)> = leptos::server_fn::axum::server_fn_paths()
            .filter(|(path, _)| path.starts_with("/api/admin/"))
            .map(|(path, method)| (path.to_string(), method.to_string()))
            .collect();
        assert!(functions.len() >= 4, "{functions:?}");
        for (path, method) in &functions {
            for (who, cookie) in [("guest", String::new()), ("shopper", format!("sid={shopper}"))] {
                let res = call(&app, method, path, &cookie, "email=gil%40example.com&role=admin").await;
                let expected = if who == "guest" { 401 } else { 403 };
                assert_eq!(res.status.as_u16(), expected, "{who} {method} {path}: {}", res.body);
            }
        }
        // Support works with customers and orders, never the catalogue: every editing
        // function refuses them (403) as it does a shopper.
        let admin = make_admin(&app, "root@example.com").await;
        register(&app, "sue@example.com").await;
        app.post_form_with("/api/admin/staff/role", "email=sue%40example.com&role=support", &[("cookie", &format!("sid={admin}"))]).await;
        let support = app
            .post_form_with("/api/account/sign-in", &form(&[("email", "sue@example.com"), ("password", GOOD_PASSWORD)]), &[HTML])
            .await
            .set_cookie("sid")
            .expect("support session");
        let editing: Vec<&(String, String)> = functions
            .iter()
            .filter(|(p, _)| {
                p.starts_with("/api/admin/products/")
                    || p.starts_with("/api/admin/content/")
                    || p.starts_with("/api/admin/home")
                    || p.starts_with("/api/admin/categories")
                    || p.starts_with("/api/admin/media")
            })
            .collect();
        assert!(editing.len() >= 25, "{editing:?}");
        for (path, method) in editing {
            let res = call(&app, method, path, &format!("sid={support}"), "").await;
            assert_eq!(res.status.as_u16(), 403, "support {method} {path}: {}", res.body);
        }
        assert_eq!(as_user(&app, &support, "/admin/products/new").await.status, 403);
        assert_eq!(as_user(&app, &support, "/admin/content/new").await.status, 403);
        assert_eq!(as_user(&app, &support, "/admin/home").await.status, 403);
        assert_eq!(as_user(&app, &support, "/admin/categories").await.status, 403);
        assert_eq!(as_user(&app, &support, "/admin/products/import").await.status, 403);
        assert_eq!(as_user(&app, &support, "/admin/media").await.status, 403);
        let role: String = sqlx::query_scalar("SELECT role FROM users WHERE email = 'gil@example.com'")
            .fetch_one(&app.state.app.db).await.expect("user");
        assert_eq!(role, "shopper", "no guarded function ran");

        let pages: Vec<String> = leptos_axum::generate_route_list(app::App)
            .iter()
            .map(|r| r.path().to_string())
            .filter(|p| p.starts_with("/admin"))
            .collect();
        assert!(pages.len() >= 3, "{pages:?}");
        for page in &pages {
            let guest = app.get(page).await;
            assert_eq!(guest.status, 303, "guest {page}");
            assert!(guest.header("location").starts_with("/account/sign-in?next="), "{page}");
            let res = as_user(&app, &shopper, page).await;
            assert_eq!(res.status, 403, "shopper {page}");
            assert!(!res.body.contains("data-test=\"admin-counts\""));
        }
    }

    async fn an_admin_sees_counts_and_grants_roles(app) {
        let admin = make_admin(&app, "root@example.com").await;
        register(&app, "hal@example.com").await;
        let dash = as_user(&app, &admin, "/admin").await;
        assert_eq!(dash.status, 200);
        let products: i64 = dash.test_text("count-products").replace(',', "").parse().unwrap_or(-1);
        assert_eq!(products, app.count("SELECT COUNT(*) FROM products").await);
        assert_eq!(dash.test_text("count-members"), "2");

        let res = app
            .post_form_with("/api/admin/staff/role", "email=hal%40example.com&role=editor", &[HTML, ("cookie", &format!("sid={admin}"))])
            .await;
        assert_eq!(res.status, 303, "{}", res.body);
        let role: String = sqlx::query_scalar("SELECT role FROM users WHERE email = 'hal@example.com'")
            .fetch_one(&app.state.app.db).await.expect("user");
        assert_eq!(role, "editor");
        let staff = as_user(&app, &admin, "/admin/staff").await;
        assert!(staff.test_text("staff").contains("hal@example.com"));

        // Not their own role; not an unknown role.
        for (body, message) in [
            ("email=root%40example.com&role=shopper", "your own account"),
            ("email=hal%40example.com&role=king", "must be shopper, support, editor or admin"),
            ("email=nobody%40example.com&role=editor", "No account has this email address"),
        ] {
            let res = app.post_form_with("/api/admin/staff/role", body, &[("cookie", &format!("sid={admin}"))]).await;
            assert_eq!(res.status, 400, "{body}");
            assert!(res.json()["message"].as_str().unwrap_or_default().contains(message), "{}", res.body);
        }
        // Without JavaScript the form comes back with the error next to its field, once.
        let res = app
            .post_form_with("/api/admin/staff/role", "email=nobody%40example.com&role=editor", &[HTML, ("cookie", &format!("sid={admin}"))])
            .await;
        assert_eq!(res.status, 303, "{}", res.body);
        let flash = res.set_cookie("flash").expect("a flash cookie");
        let page = app.get_with("/admin/staff", &[("cookie", &format!("sid={admin}; flash={flash}"))]).await;
        assert_eq!(page.test_text("field-error"), "No account has this email address.");
        assert_eq!(page.count_test("form-error"), 0);
        assert!(page.body.contains("id=\"f-email-error\""), "the error is the email field's");
        assert!(page.body.contains("value=\"nobody@example.com\""), "what was typed is kept");
        let audit = as_user(&app, &admin, "/admin/audit").await;
        assert_eq!(audit.status, 200);
        let log = audit.test_text("audit");
        // Actions read as words in the page's language, not codes.
        for words in ["Role set to Editor", "Administrator created from the command line", "Signed in"] {
            assert!(log.contains(words), "{words} missing: {log}");
        }
        assert!(!log.contains("role_set") && !log.contains("sign_in"), "{log}");
        let zh = app
            .get_with("/admin/audit", &[("cookie", &format!("sid={admin}; lang=zh-Hant"))])
            .await
            .test_text("audit");
        assert!(zh.contains("登入") && zh.contains("角色設為"), "{zh}");
        // An Editor may see the dashboard but not staff management.
        let editor = app
            .post_form_with("/api/account/sign-in", &form(&[("email", "hal@example.com"), ("password", GOOD_PASSWORD)]), &[HTML])
            .await
            .set_cookie("sid")
            .expect("editor session");
        assert_eq!(as_user(&app, &editor, "/admin").await.status, 200);
        assert_eq!(as_user(&app, &editor, "/admin/staff").await.status, 403);
    }

    async fn staff_browse_products_and_customers_read_only(app) {
        let admin = make_admin(&app, "ada@example.com").await;
        let products = as_user(&app, &admin, "/admin/products").await;
        assert_eq!(products.status, 200);
        let total = app.count("SELECT COUNT(*) FROM products").await;
        assert_eq!(products.count_test("row") as i64, total.min(50));
        assert!(products.test_text("list-total").starts_with(&total.to_string()));
        let found = as_user(&app, &admin, "/admin/products?q=lantern").await;
        assert!(found.count_test("row") >= 1);
        assert!(found.test_text("products").to_lowercase().contains("lantern"));

        let customers = as_user(&app, &admin, "/admin/customers?q=united%20kingdom").await;
        assert_eq!(customers.status, 200);
        let uk = app.count("SELECT COUNT(*) FROM customers WHERE LOWER(country) = 'united kingdom'").await;
        assert_eq!(customers.count_test("row") as i64, uk.min(50));
        assert!(customers.body.contains(">Search customers</label>"), "the search box is labelled for customers");
        assert!(products.body.contains(">Search products</label>"));
        // LIKE metacharacters are taken literally.
        assert_eq!(as_user(&app, &admin, "/admin/customers?q=%25").await.count_test("row"), 0);

        // Support may see customers; an Editor may not.
        register(&app, "sue@example.com").await;
        register(&app, "ed@example.com").await;
        for (email, role) in [("sue%40example.com", "support"), ("ed%40example.com", "editor")] {
            app.post_form_with("/api/admin/staff/role", &format!("email={email}&role={role}"), &[("cookie", &format!("sid={admin}"))]).await;
        }
        let sign_in = |email: &'static str| {
            let app = &app;
            async move {
                app.post_form_with("/api/account/sign-in", &form(&[("email", email), ("password", GOOD_PASSWORD)]), &[HTML])
                    .await
                    .set_cookie("sid")
                    .expect("session")
            }
        };
        let support = sign_in("sue@example.com").await;
        let editor = sign_in("ed@example.com").await;
        assert_eq!(as_user(&app, &support, "/admin/customers").await.status, 200);
        assert_eq!(as_user(&app, &editor, "/admin/customers").await.status, 403);
        assert_eq!(as_user(&app, &editor, "/admin/products").await.status, 200);
    }
}
