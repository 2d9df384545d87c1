//! Page routes through the real router: what a shopper's browser receives.

on_both_engines! {
    async fn home_page_shows_categories_bestsellers_and_new_arrivals(app) {
        let res = app.get("/").await;
        assert_eq!(res.status, 200);
        assert!(res.body.starts_with("<!DOCTYPE html>"), "{}", &res.body[..100.min(res.body.len())]);
        assert!(res.body.contains("<html lang=\"en\""));
        assert!(res.body.contains("<title>Gifts and homewares | Hearth &amp; Heart Gifts</title>"));
        assert_eq!(res.count_test("product-card"), 16, "8 bestsellers and 8 new arrivals");
        assert!(res.count_test("featured-categories") == 1);
        assert!(res.body.contains("href=\"/c/home-decor\""));
        assert!(res.body.contains("/pkg/storefront.js"), "hydration scripts are linked");
        // Islands mode: only the search box and the in-place navigation are hydrated.
        assert_eq!(res.body.matches("<leptos-island").count(), 2, "two islands");
        assert!(res.body.contains("data-component=\"SearchBox_"), "search box island");
        assert!(res.body.contains("data-component=\"ClientNav_"), "navigation island");
        let deadline = res.body.find("timeout:1500").unwrap_or(usize::MAX);
        let loader = res.body.find("leptos-island").unwrap_or(0);
        assert!(deadline < loader, "the idle deadline comes before the island loader");
        assert_eq!(res.header("x-content-type-options"), "nosniff");
    }

    async fn language_follows_accept_language_and_the_cookie(app) {
        let zh = app.get_with("/", &[("accept-language", "zh-TW,zh;q=0.9,en;q=0.5")]).await;
        assert!(zh.body.contains("<html lang=\"zh-Hant\""));
        assert!(zh.body.contains("禮品與家居用品"));
        assert!(zh.body.contains("家居裝飾"), "category names are translated");
        let en = app.get_with("/", &[("accept-language", "zh-TW"), ("cookie", "lang=en")]).await;
        assert!(en.body.contains("<html lang=\"en\""));
        assert!(en.body.contains("Gifts and homewares"));
    }

    async fn category_page_lists_filters_and_pages(app) {
        let res = app.get("/c/home-decor").await;
        assert_eq!(res.status, 200);
        assert_eq!(res.test_text("page-heading"), "Home décor");
        let total: u32 = res.test_text("result-count").split_whitespace().next().unwrap_or("0").replace(',', "").parse().unwrap_or(0);
        assert!(total > 24, "more than a page: {total}");
        assert_eq!(res.count_test("product-card"), 24);
        assert!(res.body.contains("data-facet=\"cat\""), "sub-category facet");
        assert!(res.body.contains("data-facet=\"colour\""), "colour facet");
        assert!(res.body.contains("rel=\"next\""));
        assert!(res.body.contains("<link href=\"https://shop.test/c/home-decor\" rel=\"canonical\">"));

        let red = app.get("/c/home-decor?colour=red").await;
        assert_eq!(red.status, 200);
        let red_total: u32 = red.test_text("result-count").split_whitespace().next().unwrap_or("0").parse().unwrap_or(0);
        assert!(red_total > 0 && red_total < total, "{red_total} of {total}");
        assert!(red.body.contains("aria-current=\"true\""), "the chosen colour is marked");
        assert!(
            red.body.contains("name=\"back\" value=\"/c/home-decor?colour=red\""),
            "the language form comes back to the filtered page"
        );

        let page2 = app.get("/c/home-decor?page=2").await;
        assert_eq!(page2.status, 200);
        assert!(page2.test_text("pager").contains("Page 2 of"));

        let cheap = app.get("/c/home-decor?max=1.99&sort=price-desc").await;
        assert_eq!(cheap.status, 200);
        assert!(!cheap.body.contains("data-test=\"no-results\""));
    }

    async fn product_page_has_variants_and_seo_tags(app) {
        let res = app.get("/p/84997/3-piece-cutlery-set").await;
        assert_eq!(res.status, 200);
        assert_eq!(res.test_text("page-heading"), "3 Piece Cutlery Set");
        assert_eq!(res.count_test("variant"), 4);
        assert_eq!(res.test_text("sku"), "84997A");
        assert!(res.body.contains("<link href=\"https://shop.test/p/84997/3-piece-cutlery-set\" rel=\"canonical\">"));
        assert!(res.body.contains("property=\"og:title\" content=\"3 Piece Cutlery Set\""));
        assert!(res.body.contains("<meta name=\"description\" content=\"3 Piece Cutlery Set: a gift from our tableware"));
        let ld_start = res.body.find("application/ld+json").expect("JSON-LD");
        let json = &res.body[ld_start..];
        let json = &json[json.find('>').expect("tag end") + 1..json.find("</script>").expect("script end")];
        let ld: serde_json::Value = serde_json::from_str(json).expect("valid JSON-LD");
        assert_eq!(ld["@type"], "Product");
        assert_eq!(ld["offers"].as_array().map(Vec::len), Some(4));
        assert_eq!(ld["offers"][0]["priceCurrency"], "GBP");
        assert!(res.test_text("breadcrumbs").contains("Tableware"));

        let chosen = app.get("/p/84997/3-piece-cutlery-set?v=84997c").await;
        assert_eq!(chosen.test_text("sku"), "84997C");
        // A wrong slug moves permanently to the canonical URL (issue #10).
        let slug = app.get("/p/84997/anything").await;
        assert_eq!(slug.status, 301);
        assert_eq!(slug.header("location"), "/p/84997/3-piece-cutlery-set");
    }

    async fn search_ranks_typos_prefixes_and_words(app) {
        let typo = app.get("/search?q=lantren").await;
        assert_eq!(typo.status, 200);
        let cards = typo.test_text("results");
        assert!(cards.to_lowercase().contains("lantern"), "{cards}");
        let prefix = app.get("/search?q=lant").await;
        assert!(prefix.test_text("results").to_lowercase().contains("lantern"));
        let two = app.get("/search?q=heart+holder").await;
        let first = two.test_text("product-card");
        assert!(first.contains("Heart") && first.contains("Holder"), "{first}");
        assert!(two.body.contains("Hanging Heart T-Light Holder"));
        let nothing = app.get("/search?q=zzzzqqq").await;
        assert_eq!(nothing.status, 200);
        assert!(nothing.body.contains("data-test=\"no-results\""));
        assert!(nothing.test_text("no-results").contains("zzzzqqq"), "it says what was searched");
        // Somewhere to go instead: the word that finds something alone, the categories,
        // the bestsellers.
        let partly = app.get("/search?q=zzzzqqq+lantern").await;
        assert_eq!(partly.count_test("no-results"), 1, "{}", partly.test_text("page-heading"));
        assert!(partly.body.contains("href=\"/search?q=lantern\""), "the word that finds something");
        assert_eq!(partly.count_test("search-instead"), 1);
        assert!(partly.test_text("search-categories").contains("Home décor"));
        assert!(partly.body.contains("data-test=\"search-categories\""));
        assert!(partly.body.matches("data-test=\"product-card\"").count() == 4, "four bestsellers");
        assert_eq!(nothing.count_test("search-instead"), 0, "no word of it finds anything");
        let empty = app.get("/search").await;
        assert_eq!(empty.status, 200);
        assert!(empty.body.contains("Type a word to search"));
        let faceted = app.get("/search?q=lantern&colour=white").await;
        assert_eq!(faceted.status, 200);
        assert!(faceted.body.contains("aria-current=\"true\""));
    }

    async fn sitemap_robots_and_health(app) {
        let map = app.get("/sitemap.xml").await;
        assert_eq!(map.status, 200);
        assert!(map.header("content-type").starts_with("application/xml"));
        assert!(map.body.contains("<loc>https://shop.test/p/84997/3-piece-cutlery-set</loc>"));
        assert!(map.body.contains("<loc>https://shop.test/c/home-decor</loc>"));
        assert!(map.body.contains("<loc>https://shop.test/pages/returns</loc>"));
        let robots = app.get("/robots.txt").await;
        assert!(robots.body.contains("Sitemap: https://shop.test/sitemap.xml"));
        assert!(robots.body.contains("Disallow: /api/"));
        assert_eq!(app.get("/healthz").await.status, 200);
        assert_eq!(app.get("/readyz").await.status, 200);
    }

    async fn product_pictures_are_drawn(app) {
        let svg = app.get("/img/p/84997A.svg").await;
        assert_eq!(svg.status, 200);
        assert_eq!(svg.header("content-type"), "image/svg+xml");
        assert!(svg.body.contains("3 Piece Cutlery Set"));
        assert_eq!(app.get("/img/p/NOPE1.svg").await.status, 404);
        assert_eq!(app.get("/img/p/84997A.png").await.status, 404);
        assert_eq!(app.get("/img/p/..%2F..%2Fetc%2Fpasswd.svg").await.status, 404);
    }

    async fn language_switch_sets_a_cookie_and_goes_back(app) {
        let res = app.post_form("/lang", "lang=zh-Hant&back=%2Fc%2Fbags%3Fpage%3D2").await;
        assert_eq!(res.status, 303);
        assert_eq!(res.header("location"), "/c/bags?page=2");
        let cookie = res.header("set-cookie");
        assert!(cookie.starts_with("lang=zh-Hant;") && cookie.contains("SameSite=Lax") && cookie.contains("HttpOnly"), "{cookie}");
        let offsite = app.post_form("/lang", "lang=en&back=https%3A%2F%2Fevil.example%2F").await;
        assert_eq!(offsite.header("location"), "/");
        let bad = app.post_form("/lang", "lang=klingon").await;
        assert_eq!(bad.status, 400);
        assert_eq!(bad.body, "The language must be en or zh-Hant.");
    }

    async fn information_pages_and_the_links_to_them(app) {
        for (slug, heading, zh) in [
            ("about", "About us", "關於我們"),
            ("delivery", "Delivery and payment", "配送與付款"),
            ("returns", "Returns", "退貨"),
            ("contact", "Contact us", "聯絡我們"),
        ] {
            let path = format!("/pages/{slug}");
            let page = app.get(&path).await;
            assert_eq!(page.status, 200, "{path}");
            assert_eq!(page.test_text("page-heading"), heading);
            assert!(page.body.contains(&format!("rel=\"canonical\" href=\"https://shop.test{path}\"")) || page.body.contains(&format!("href=\"https://shop.test{path}\" rel=\"canonical\"")), "{path}: canonical link");
            let chinese = app.get_with(&path, &[("cookie", "lang=zh-Hant")]).await;
            assert_eq!(chinese.test_text("page-heading"), zh);
            // Every page's footer links here.
            let home = app.get("/").await;
            assert!(home.test_text("service-links").contains(heading), "{heading} in the footer");
            assert!(home.body.contains(&format!("href=\"{path}\"")));
        }
        assert!(app.get("/pages/contact").await.test_text("content-body").contains("help@hearth-heart.example"));
        assert_eq!(app.get("/pages/nothing-here").await.status, 404);
        // The home page's promise and trust line, linking to delivery, returns, payment and help.
        let home = app.get("/").await;
        assert_eq!(home.count_test("hero"), 1);
        let trust = home.test_text("trust-line");
        for words in ["delivery", "returns", "Secure payment", "Contact us"] {
            assert!(trust.contains(words), "{words} missing from the trust line: {trust}");
        }
        assert!(home.body.contains("href=\"/pages/delivery#payment\""));
        assert!(home.test_text("attribution-credit").contains("Online Retail"), "the dataset credit stays");
    }
}
