//! The one translation layer. Every user-facing string of the shop is a [`Msg`]; the
//! `messages!` table below takes each text in every language side by side, so a string
//! without its translation does not compile. Texts may carry `{name}` placeholders that
//! [`fill`] replaces.
//!
//! Why not leptos_i18n: the shop has two languages and a few hundred strings; a plain
//! `match` is checked by the compiler, costs nothing at run time, adds no build step and
//! keeps the WASM bundle small.

use serde::{Deserialize, Serialize};

/// A language the shop speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    En,
    ZhHant,
}

/// The language of the page being rendered, from the reactive context (the shell
/// provides it); inside a server function, from the request's cookie or
/// Accept-Language. English outside a request.
pub fn current() -> Locale {
    #[cfg(feature = "ssr")]
    return crate::state::request_locale();
    #[cfg(not(feature = "ssr"))]
    leptos::prelude::use_context::<Locale>().unwrap_or_default()
}

/// A message in the current page's language.
pub fn t(msg: Msg) -> &'static str {
    msg.text(current())
}

/// A message with placeholders filled, in the current page's language.
pub fn tf(msg: Msg, args: &[(&str, &str)]) -> String {
    fill(msg.text(current()), args)
}

/// The cookie that keeps the shopper's language choice.
pub const LOCALE_COOKIE: &str = "lang";

/// The language cookie changes only the language, which the page cache keys on.
pub const PERSONAL: crate::web::Personal = crate::web::Personal {
    shared_cookies: &[LOCALE_COOKIE],
    ..crate::web::Personal::NONE
};

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::ZhHant];

    /// BCP 47 tag, used in `<html lang>`, the cookie and URLs.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhHant => "zh-Hant",
        }
    }

    /// The language's own name, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::ZhHant => "繁體中文",
        }
    }

    /// Reads a language tag. Any Chinese tag maps to Traditional Chinese, the only
    /// Chinese the shop has (a reader of Simplified Chinese reads it better than English).
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Locale::En),
            "zh" => Some(Locale::ZhHant),
            _ => None,
        }
    }

    /// Picks the best language from an `Accept-Language` header (RFC 9110 §12.5.4):
    /// the supported language with the highest q-value, English when none is.
    pub fn from_accept_language(header: &str) -> Locale {
        let mut best: Option<(u32, Locale)> = None;
        for (index, part) in header.split(',').take(32).enumerate() {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or_default();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q.is_nan() || q <= 0.0 {
                continue;
            }
            let Some(locale) = Locale::from_tag(tag) else {
                continue;
            };
            // Higher q wins; on a tie the earlier entry wins.
            let score = (q.min(1.0) * 1000.0) as u32 * 64 + (63 - index.min(63) as u32);
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, locale));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    /// The language of a request: the cookie if it names one, else Accept-Language.
    pub fn negotiate(cookie_header: Option<&str>, accept_language: Option<&str>) -> Locale {
        cookie_header
            .and_then(|c| cookie_value(c, LOCALE_COOKIE))
            .and_then(Locale::from_tag)
            .or_else(|| accept_language.map(Locale::from_accept_language))
            .unwrap_or_default()
    }
}

/// The value of one cookie in a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then_some(v.trim_matches('"'))
    })
}

/// Formats an amount of money given in minor units (pence) for a language.
/// The shop sells in pounds sterling. CLDR writes GBP the same way in `en` and in
/// `zh-Hant` (symbol first, comma grouping, two decimals), so the formats agree today;
/// the function is the one place to change when a locale differs.
pub fn format_price(price: crate::domain::Money, locale: Locale) -> String {
    let pence = price.minor();
    let (sign, abs) = if pence < 0 {
        ("-", pence.unsigned_abs())
    } else {
        ("", pence as u64)
    };
    let pounds = abs / 100;
    let rest = abs % 100;
    let grouped = group_thousands(pounds, ',');
    match locale {
        Locale::En | Locale::ZhHant => {
            format!("{sign}{}{grouped}.{rest:02}", price.currency().symbol())
        }
    }
}

/// Formats a count for a language (thousands grouped).
pub fn format_count(n: i64, locale: Locale) -> String {
    let grouped = group_thousands(n.unsigned_abs(), ',');
    let sign = if n < 0 { "-" } else { "" };
    match locale {
        Locale::En | Locale::ZhHant => format!("{sign}{grouped}"),
    }
}

fn group_thousands(mut n: u64, sep: char) -> String {
    let mut groups = Vec::new();
    loop {
        if n < 1000 {
            groups.push(n.to_string());
            break;
        }
        groups.push(format!("{:03}", n % 1000));
        n /= 1000;
    }
    groups.reverse();
    groups.join(&sep.to_string())
}

/// Replaces `{name}` placeholders in a message.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

macro_rules! messages {
    ($($key:ident { en: $en:literal, zh: $zh:literal })*) => {
        /// Every user-facing string of the shop.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg { $($key,)* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key,)*];

            pub fn text(self, locale: Locale) -> &'static str {
                match locale {
                    Locale::En => match self { $(Msg::$key => $en,)* },
                    Locale::ZhHant => match self { $(Msg::$key => $zh,)* },
                }
            }
        }
    };
}

messages! {
    ShopName { en: "Hearth & Heart Gifts", zh: "暖心禮品" }
    ShopTagline { en: "Gifts and homewares from a UK gift wholesaler, since 2010.", zh: "來自英國禮品批發商的禮品與家居用品，始於 2010 年。" }
    SkipToContent { en: "Skip to content", zh: "跳至主要內容" }
    MainNavigation { en: "Main navigation", zh: "主選單" }
    Categories { en: "Categories", zh: "商品分類" }
    AllCategories { en: "All categories", zh: "所有分類" }
    Home { en: "Home", zh: "首頁" }
    SearchLabel { en: "Search products", zh: "搜尋商品" }
    SearchPlaceholder { en: "Search lanterns, mugs, bags…", zh: "搜尋燈籠、馬克杯、提袋……" }
    SearchButton { en: "Search", zh: "搜尋" }
    Suggestions { en: "Suggestions", zh: "建議" }
    Language { en: "Language", zh: "語言" }
    ChangeLanguage { en: "Change", zh: "切換" }
    FooterData { en: "Catalogue and order history: the Online Retail dataset (Daqing Chen, UCI Machine Learning Repository, 2015, CC BY 4.0).", zh: "商品目錄與訂單記錄：Online Retail 資料集（Daqing Chen，UCI 機器學習資料庫，2015，CC BY 4.0）。" }
    HomePromise { en: "Thousands of gifts, from one lantern to a shop's worth", zh: "數千款禮品，一件起購，整店補貨也可以" }
    HomePromiseText { en: "Lanterns, tableware, bags and decorations from a UK gift wholesaler, delivered across the UK or ready to collect in our shops.", zh: "英國禮品批發商的燈籠、餐具、提袋與裝飾品，全英配送，也可到門市取貨。" }
    TrustLine { en: "Why shop with us", zh: "為什麼選擇我們" }
    TrustDelivery { en: "UK delivery in 2–4 working days", zh: "全英 2–4 個工作天送達" }
    TrustReturns { en: "Free returns within 30 days", zh: "30 天內免費退貨" }
    TrustPayment { en: "Secure payment", zh: "安全付款" }
    TrustHelp { en: "Questions? Contact us", zh: "有問題嗎？聯絡我們" }
    CustomerService { en: "Customer service", zh: "顧客服務" }
    AboutTitle { en: "About us", zh: "關於我們" }
    AboutText1 { en: "Hearth & Heart Gifts began in 2010 as a gift wholesaler in the United Kingdom. Our catalogue holds thousands of gifts and homewares: lanterns, tableware, bags, stationery and seasonal decorations.", zh: "暖心禮品於 2010 年在英國以禮品批發起家。我們的商品目錄有數千款禮品與家居用品：燈籠、餐具、提袋、文具與節慶裝飾。" }
    AboutText2 { en: "Many of our customers are shops that buy by the dozen; everyone is welcome to buy a single piece. You can order online for delivery, or collect from one of our shops.", zh: "許多顧客是按打採購的商店；單件購買也同樣歡迎。您可以在網上訂購送貨到府，或到我們的門市取貨。" }
    DeliveryTitle { en: "Delivery and payment", zh: "配送與付款" }
    DeliveryText1 { en: "We deliver to addresses across the United Kingdom. Orders leave our warehouse within one working day and usually arrive in 2–4 working days.", zh: "我們配送至英國各地地址。訂單會在一個工作天內從倉庫出貨，通常 2–4 個工作天送達。" }
    DeliveryText2 { en: "You can also collect your order from one of our shops at no charge. The checkout shows the delivery charge and when a collection will be ready before you pay.", zh: "您也可以免費到我們的門市取貨。結帳頁會在付款前顯示運費與可取貨的時間。" }
    PaymentTitle { en: "Secure payment", zh: "安全付款" }
    PaymentText { en: "Payments are taken over an encrypted connection by our payment provider; we never see or keep your card number. Prices include VAT.", zh: "付款透過加密連線由我們的金流服務商處理，我們不會看到或保存您的卡號。價格已含增值稅。" }
    ReturnsTitle { en: "Returns", zh: "退貨" }
    ReturnsText1 { en: "You can return anything within 30 days of delivery or collection for a full refund, as long as it is unused and in its packaging.", zh: "收貨或取貨後 30 天內，商品未使用且包裝完整，即可退貨並獲全額退款。" }
    ReturnsText2 { en: "Bring it to any of our shops, or contact us and we will send you a free return label. Your refund goes back to the way you paid within 5 working days of our receiving the item.", zh: "您可以帶到任何一家門市，或聯絡我們索取免費退貨標籤。我們收到商品後 5 個工作天內，款項會退回您的原付款方式。" }
    ContactTitle { en: "Contact us", zh: "聯絡我們" }
    ContactText1 { en: "Our customer service team answers email within one working day, Monday to Friday, 9:00 to 17:00 UK time.", zh: "客服團隊會在一個工作天內回覆電子郵件，服務時間為英國時間週一至週五 9:00 至 17:00。" }
    ContactEmail { en: "Email", zh: "電子郵件" }
    ContactPhone { en: "Telephone", zh: "電話" }
    FeaturedCategories { en: "Shop by category", zh: "依分類選購" }
    Bestsellers { en: "Bestsellers", zh: "暢銷商品" }
    NewArrivals { en: "New arrivals", zh: "新品上架" }
    HomeTitle { en: "Gifts and homewares", zh: "禮品與家居用品" }
    HomeDescription { en: "Lanterns, tableware, bags, decorations and thousands more gifts, ready to ship.", zh: "燈籠、餐具、提袋、裝飾品等數千款禮品，現貨供應。" }
    ProductsCount { en: "{n} products", zh: "{n} 件商品" }
    ProductsCountOne { en: "1 product", zh: "1 件商品" }
    PriceFrom { en: "from {price}", zh: "{price} 起" }
    InStock { en: "In stock", zh: "有現貨" }
    LowStock { en: "Only {n} left", zh: "僅剩 {n} 件" }
    OutOfStock { en: "Out of stock", zh: "缺貨" }
    Filters { en: "Filters", zh: "篩選" }
    FilterCategory { en: "Category", zh: "分類" }
    FilterColour { en: "Colour", zh: "顏色" }
    FilterPrice { en: "Price", zh: "價格" }
    PriceMin { en: "Min £", zh: "最低 £" }
    PriceMax { en: "Max £", zh: "最高 £" }
    ApplyFilters { en: "Apply", zh: "套用" }
    ClearFilters { en: "Clear all filters", zh: "清除所有篩選" }
    RemoveFilter { en: "Remove filter: {name}", zh: "移除篩選：{name}" }
    PriceUnder { en: "Under {price}", zh: "{price} 以下" }
    PriceBetween { en: "{low} to {high}", zh: "{low} 至 {high}" }
    PriceOver { en: "{price} and over", zh: "{price} 以上" }
    SortBy { en: "Sort by", zh: "排序方式" }
    SortRelevance { en: "Relevance", zh: "相關程度" }
    SortPriceAsc { en: "Price: low to high", zh: "價格：由低至高" }
    SortPriceDesc { en: "Price: high to low", zh: "價格：由高至低" }
    SortBestselling { en: "Bestselling", zh: "最暢銷" }
    SortNewest { en: "Newest", zh: "最新" }
    Pagination { en: "Pagination", zh: "分頁" }
    PreviousPage { en: "Previous", zh: "上一頁" }
    NextPage { en: "Next", zh: "下一頁" }
    PageOf { en: "Page {page} of {pages}", zh: "第 {page} 頁，共 {pages} 頁" }
    PageLabel { en: "Page {page}", zh: "第 {page} 頁" }
    NoProducts { en: "No products match these filters.", zh: "沒有符合篩選條件的商品。" }
    Breadcrumbs { en: "Breadcrumbs", zh: "導覽路徑" }
    ChooseVariant { en: "Choose an option", zh: "選擇款式" }
    Sku { en: "Item number", zh: "商品編號" }
    Description { en: "Description", zh: "商品描述" }
    Details { en: "Details", zh: "商品資訊" }
    Material { en: "Material", zh: "材質" }
    Theme { en: "Theme", zh: "主題" }
    RelatedProducts { en: "You may also like", zh: "您可能也喜歡" }
    SearchResultsFor { en: "Results for “{q}”", zh: "「{q}」的搜尋結果" }
    SearchTitle { en: "Search", zh: "搜尋" }
    SearchEmpty { en: "Type a word to search the catalogue.", zh: "請輸入關鍵字搜尋商品。" }
    SearchNoResults { en: "Nothing matches “{q}”. Try another word or browse the categories.", zh: "找不到符合「{q}」的商品，請換個關鍵字或瀏覽分類。" }
    SearchInsteadWords { en: "Search for one word instead", zh: "改用單一關鍵字搜尋" }
    SearchInsteadCategories { en: "Browse the categories", zh: "瀏覽商品分類" }
    SearchCustomers { en: "Search customers", zh: "搜尋顧客" }
    AuditRegister { en: "Registered", zh: "註冊帳戶" }
    AuditSignIn { en: "Signed in", zh: "登入" }
    AuditSignInFailed { en: "Sign-in failed", zh: "登入失敗" }
    AuditSignInThrottled { en: "Sign-in refused: too many tries", zh: "登入遭拒：嘗試次數過多" }
    AuditSignOut { en: "Signed out", zh: "登出" }
    AuditSignOutOthers { en: "Signed out other devices", zh: "登出其他裝置" }
    AuditPasswordChange { en: "Changed password", zh: "變更密碼" }
    AuditPasswordReset { en: "Reset password by email link", zh: "透過電子郵件連結重設密碼" }
    AuditPasswordResetRequested { en: "Asked for a password reset link", zh: "申請密碼重設連結" }
    AuditPasswordResetLimited { en: "Reset link refused: too many asked", zh: "重設連結遭拒：申請次數過多" }
    AuditPasswordResetUnknown { en: "Reset link asked for an unknown email", zh: "以未註冊的電子郵件申請重設連結" }
    AuditAccountDelete { en: "Deleted account", zh: "刪除帳戶" }
    AuditAdminCreate { en: "Administrator created from the command line", zh: "透過命令列建立管理員" }
    AuditRoleSet { en: "Role set to {role}", zh: "角色設為{role}" }
    SearchShortened { en: "Your search was long, so only its beginning was used.", zh: "搜尋字詞過長，只使用了開頭部分。" }
    NotFoundTitle { en: "Page not found", zh: "找不到網頁" }
    MovedTitle { en: "This page has moved", zh: "這個網頁已移動" }
    MovedBody { en: "It lives at a new address now:", zh: "它現在的網址是：" }
    NotFoundBody { en: "We could not find that page. It may have moved, or the address may be mistyped.", zh: "找不到這個網頁，它可能已移動，或網址有誤。" }
    BadRequestTitle { en: "We could not read that request", zh: "無法處理此請求" }
    ErrorTitle { en: "Something went wrong", zh: "發生錯誤" }
    ErrorBody { en: "Something went wrong on our side. Please try again in a moment.", zh: "系統發生問題，請稍後再試。" }
    ForbiddenTitle { en: "Not allowed", zh: "沒有權限" }
    BackHome { en: "Back to the home page", zh: "回到首頁" }
    Loading { en: "Loading…", zh: "載入中……" }
    ErrPageNumber { en: "A page number is a whole number from 1 to {max}.", zh: "頁碼必須是 1 到 {max} 之間的整數。" }
    ErrPageOutOfRange { en: "There are only {pages} pages.", zh: "總共只有 {pages} 頁。" }
    ErrUnknownSort { en: "Sort by one of: relevance, price-asc, price-desc, bestselling, newest.", zh: "排序方式必須是以下其中之一：relevance、price-asc、price-desc、bestselling、newest。" }
    ErrUnknownValue { en: "There is no “{value}” to choose here.", zh: "這裡沒有「{value}」這個選項。" }
    ErrTooLong { en: "This is too long: at most {max} characters.", zh: "內容太長：最多 {max} 個字元。" }
    ErrRequestUnreadable { en: "The request could not be read.", zh: "無法讀取請求內容。" }
    ErrBodyTooLarge { en: "The request is too large.", zh: "請求內容過大。" }
    // Category description and product description templates (the importer writes them
    // in both languages; see server/src/import/describe.rs).
    DescCategory { en: "Part of our {category} range.", zh: "屬於我們的{category}系列。" }
    DescVariants { en: "Available in {n} options: {options}.", zh: "共有 {n} 種款式：{options}。" }
    DescMaterial { en: "Made of {material}.", zh: "材質：{material}。" }
    DescTheme { en: "A {theme} design.", zh: "{theme}風格設計。" }
    DescSet { en: "Comes as a set.", zh: "以套組出售。" }
    DescPopular { en: "A favourite: ordered {n} times.", zh: "人氣商品：已被訂購 {n} 次。" }
    DescLead { en: "{title}: a gift from our {category} collection.", zh: "{title}：來自{category}系列的禮品。" }

    // Accounts (issue #3).
    SignInTitle { en: "Sign in", zh: "登入" }
    SignInButton { en: "Sign in", zh: "登入" }
    RegisterTitle { en: "Create an account", zh: "建立帳戶" }
    RegisterButton { en: "Create account", zh: "建立帳戶" }
    NoAccountYet { en: "New here?", zh: "第一次來？" }
    HaveAccount { en: "Already have an account?", zh: "已經有帳戶了？" }
    Email { en: "Email", zh: "電子郵件" }
    Password { en: "Password", zh: "密碼" }
    Name { en: "Name", zh: "姓名" }
    BirthdayOptional { en: "Birthday (optional)", zh: "生日（選填）" }
    MarketingConsent { en: "Send me offers and news by email", zh: "以電子郵件寄送優惠與最新消息給我" }
    PasswordHint { en: "At least {n} characters; a few unrelated words work well.", zh: "至少 {n} 個字元；用幾個不相關的詞組合效果很好。" }
    PasswordTooShort { en: "Use at least 10 characters for the password.", zh: "密碼至少需要 10 個字元。" }
    PasswordTooLong { en: "Use at most 128 characters for the password.", zh: "密碼最多 128 個字元。" }
    PasswordTooCommon { en: "This password is too easy to guess (a common password, a pattern, or your own name or email); try a few unrelated words.", zh: "此密碼太容易被猜到（常見密碼、規律組合，或包含您的姓名或電子郵件）；請試著組合幾個不相關的詞。" }
    EmailInvalid { en: "This is not a valid email address; it looks like name@example.com.", zh: "這不是有效的電子郵件地址，格式應如 name@example.com。" }
    EmailTaken { en: "This email already has an account; sign in instead.", zh: "此電子郵件已經註冊過帳戶，請直接登入。" }
    NameInvalid { en: "A name is required (at most 100 characters).", zh: "姓名為必填（最多 100 個字元）。" }
    BirthdayInvalid { en: "The birthday must be a real date (YYYY-MM-DD), or left empty.", zh: "生日必須是有效日期（YYYY-MM-DD），或留空。" }
    SignInWrong { en: "The email or password is wrong.", zh: "電子郵件或密碼錯誤。" }
    RegisterThrottled { en: "Too many new accounts from this address. Try again in {minutes} minutes.", zh: "此位址建立的帳戶過多，請於 {minutes} 分鐘後再試。" }
    ErrBusy { en: "The shop is busy right now. Please try again in a moment.", zh: "商店目前忙碌中，請稍後再試。" }
    ErrConflict { en: "Someone else changed this at the same time. Please reload and try again.", zh: "此內容已同時被他人修改，請重新載入後再試。" }
    ErrOutOfStock { en: "Not enough of {sku} is in stock.", zh: "{sku} 庫存不足。" }
    ErrUnavailableTitle { en: "Please try again", zh: "請稍後再試" }
    ErrConflictTitle { en: "Changed meanwhile", zh: "內容已變更" }
    ErrOutOfStockTitle { en: "Out of stock", zh: "庫存不足" }
    ErrQuantity { en: "Enter a whole number from 1 to 999.", zh: "請輸入 1 至 999 的整數。" }
    ErrMoney { en: "Enter an amount such as 12.50.", zh: "請輸入金額，例如 12.50。" }
    ErrSku { en: "Enter a product code of letters and digits (at most 20).", zh: "請輸入由字母與數字組成的商品編號（最多 20 個字元）。" }
    SignInThrottled { en: "Too many failed sign-ins. Try again in {minutes} minutes.", zh: "登入失敗次數過多，請於 {minutes} 分鐘後再試。" }
    ThrottledTitle { en: "Too many attempts", zh: "嘗試次數過多" }
    AccountTitle { en: "My account", zh: "我的帳戶" }
    Greeting { en: "Hello, {name}", zh: "{name}，您好" }
    RecentOrders { en: "Recent orders", zh: "最近訂單" }
    OrdersComingLater { en: "Your orders will appear here once online checkout opens.", zh: "線上結帳開放後，您的訂單會顯示在這裡。" }
    PointsAndTier { en: "Points and member tier", zh: "點數與會員等級" }
    Wishlist { en: "Wishlist", zh: "願望清單" }
    ComingLater { en: "coming later", zh: "即將推出" }
    SignOut { en: "Sign out", zh: "登出" }
    AccountNavigation { en: "My account sections", zh: "帳戶選單" }
    AccountOverview { en: "Overview", zh: "總覽" }
    ProfileTitle { en: "Profile", zh: "個人資料" }
    SecurityTitle { en: "Password and sessions", zh: "密碼與登入裝置" }
    PrivacyTitle { en: "Privacy", zh: "隱私" }
    Save { en: "Save", zh: "儲存" }
    Saved { en: "Saved.", zh: "已儲存。" }
    ChangePassword { en: "Change password", zh: "變更密碼" }
    CurrentPassword { en: "Current password", zh: "目前的密碼" }
    NewPassword { en: "New password", zh: "新密碼" }
    CurrentPasswordWrong { en: "This is not your current password.", zh: "這不是您目前的密碼。" }
    PasswordChanged { en: "Password changed. Your other sessions have been signed out.", zh: "密碼已變更，其他裝置已登出。" }
    Sessions { en: "Where you are signed in", zh: "已登入的裝置" }
    Device { en: "Device", zh: "裝置" }
    SignedInAt { en: "Signed in (UTC)", zh: "登入時間（UTC）" }
    LastSeen { en: "Last active (UTC)", zh: "最後使用（UTC）" }
    ThisDevice { en: "this device", zh: "此裝置" }
    UnknownDevice { en: "Unknown device", zh: "未知裝置" }
    SignOutOthers { en: "Sign out everywhere else", zh: "登出其他所有裝置" }
    DownloadData { en: "Download my data", zh: "下載我的資料" }
    DownloadDataText { en: "Everything we hold about you, as a JSON file.", zh: "我們保存的所有關於您的資料，JSON 檔案格式。" }
    DeleteAccount { en: "Delete my account", zh: "刪除我的帳戶" }
    DeleteAccountText { en: "This deletes your account and signs you out everywhere. It cannot be undone.", zh: "這會刪除您的帳戶並登出所有裝置，且無法復原。" }
    ConfirmWithPassword { en: "Your password, to confirm", zh: "請輸入密碼以確認" }
    ForgotLink { en: "Forgot your password?", zh: "忘記密碼？" }
    AddressesTitle { en: "Address book", zh: "地址管理" }
    SaveToWishlist { en: "Save to wishlist", zh: "加入願望清單" }
    RemoveFromWishlist { en: "Remove from wishlist", zh: "從願望清單移除" }
    WishlistEmpty { en: "Nothing saved yet: use “Save to wishlist” on any product.", zh: "尚未收藏任何商品：在商品上點選「加入願望清單」即可。" }
    WishlistFull { en: "The wishlist holds at most 100 products.", zh: "願望清單最多可收藏 100 件商品。" }
    Cart { en: "Cart", zh: "購物車" }
    AddToCart { en: "Add to cart", zh: "加入購物車" }
    Quantity { en: "Quantity", zh: "數量" }
    ChooseOptions { en: "Choose options", zh: "選擇款式" }
    CartEmpty { en: "Your cart is empty.", zh: "您的購物車是空的。" }
    ContinueShopping { en: "Continue shopping", zh: "繼續購物" }
    CartAdded { en: "Added to your cart: {title}.", zh: "已加入購物車：{title}。" }
    FreeDeliveryGap { en: "Spend {amount} more for free standard UK delivery.", zh: "再消費 {amount} 即可享英國標準免運。" }
    Free { en: "Free", zh: "免費" }
    OrderSummary { en: "Summary", zh: "摘要" }
    CartItems { en: "Items ({n})", zh: "商品（{n} 件）" }
    DeliveryEstimate { en: "Standard UK delivery (estimate)", zh: "英國標準運送（預估）" }
    Total { en: "Total", zh: "總計" }
    VatIncluded { en: "Including VAT (20%)", zh: "含增值稅（20%）" }
    // Checkout, payment and orders (issue #11).
    BuyAgain { en: "Buy these again", zh: "再次購買" }
    CartSkipped { en: "{n} item(s) could not be added: sold out or at their limit.", zh: "有 {n} 項商品無法加入：已售完或已達上限。" }
    ErrNothingAdded { en: "None of these items can be added now: they are sold out or at their limit.", zh: "這些商品目前都無法加入：已售完或已達上限。" }
    PickupIn { en: "Collect in store today: {stores}.", zh: "今日可於門市取貨：{stores}。" }
    PickupNowhere { en: "Not in our stores now: home delivery only.", zh: "門市目前無貨，僅限宅配。" }
    Checkout { en: "Checkout", zh: "結帳" }
    Contact { en: "Contact", zh: "聯絡資料" }
    EmailForReceipt { en: "We send the receipt and updates about the order here.", zh: "我們會將收據與訂單進度寄到此信箱。" }
    DeliveryMethod { en: "Delivery", zh: "配送方式" }
    DeliveryStandard { en: "Standard delivery (2–4 working days)", zh: "標準配送（2–4 個工作天）" }
    DeliveryExpress { en: "Express delivery (next working day, UK only)", zh: "快捷配送（次一工作天，僅限英國）" }
    DeliveryPickup { en: "Collect from a store", zh: "門市取貨" }
    NotToThisAddress { en: "not to this address", zh: "不配送至此地址" }
    DeliveryAddress { en: "Delivery address", zh: "配送地址" }
    AddressNotForPickup { en: "Not needed when you collect from a store.", zh: "門市取貨時無須填寫。" }
    PickupStore { en: "Store", zh: "門市" }
    StoreReadyIn { en: "has every item; usually ready in {n} hours", zh: "商品齊全，通常 {n} 小時內可取貨" }
    StoreMissingItems { en: "does not have every item now", zh: "目前商品不齊全" }
    Subtotal { en: "Subtotal", zh: "小計" }
    Delivery { en: "Delivery", zh: "運費" }
    FreeDeliveryFrom { en: "Standard delivery is free from {amount}; the payment page shows the total before you pay.", zh: "消費滿 {amount} 享標準免運；付款頁會在付款前顯示總金額。" }
    HoldNote { en: "Placing the order keeps its items for you for {n} minutes while you pay.", zh: "下單後，我們會為您保留商品 {n} 分鐘以完成付款。" }
    PlaceOrder { en: "Place order and pay", zh: "下單並付款" }
    ErrChoice { en: "Choose one of the options.", zh: "請從選項中擇一。" }
    ErrChooseStore { en: "Choose a store to collect from.", zh: "請選擇取貨門市。" }
    ErrNotDeliverable { en: "Express delivery goes to UK addresses only.", zh: "快捷配送僅限英國地址。" }
    ErrIdempotencyKey { en: "This page is out of date; reload it and place the order again.", zh: "此頁面已過期，請重新載入後再下單。" }
    ErrKeyReused { en: "Your cart changed since this page was opened; check it and place the order again.", zh: "開啟此頁後您的購物車已變更，請確認後再下單。" }
    ErrSoldOutNamed { en: "{title} has just sold out; remove it from your cart to go on.", zh: "{title} 剛剛售完，請從購物車移除後繼續。" }
    ErrOnlyAvailableNamed { en: "Only {n} of {title} are available now; change the quantity in your cart to go on.", zh: "{title} 目前僅剩 {n} 件，請修改購物車中的數量後繼續。" }
    TestModeNote { en: "Test payments: no real card is charged. Use 4242 4242 4242 4242 with any future date and any CVC.", zh: "測試付款：不會向真實信用卡收費。請使用 4242 4242 4242 4242，任何未來日期與任意安全碼。" }
    PayTitle { en: "Payment", zh: "付款" }
    PayAmountFor { en: "Order {order}:", zh: "訂單 {order}：" }
    CardNumber { en: "Card number", zh: "卡號" }
    CardNumberHint { en: "The 12 to 19 digits on the front of the card.", zh: "卡片正面的 12 至 19 位數字。" }
    CardExpiry { en: "Expiry date", zh: "有效期限" }
    CardCvc { en: "Security code (CVC)", zh: "安全碼（CVC）" }
    PayNow { en: "Pay now", zh: "立即付款" }
    PaymentDone { en: "Payment received. Thank you!", zh: "已收到付款，謝謝！" }
    PaymentCanceled { en: "This payment was cancelled; go back to your cart to place the order again.", zh: "此筆付款已取消，請回到購物車重新下單。" }
    BackToShop { en: "See your order", zh: "查看訂單" }
    CardNumberInvalid { en: "This is not a valid card number.", zh: "這不是有效的卡號。" }
    CardExpiryInvalid { en: "Enter the expiry date as MM/YY, not in the past.", zh: "請以 MM/YY 格式輸入有效期限，且不可早於本月。" }
    CardCvcInvalid { en: "The security code has 3 or 4 digits.", zh: "安全碼為 3 或 4 位數字。" }
    CardDeclined { en: "Your card was declined. Try another card.", zh: "您的卡片遭拒，請改用其他卡片。" }
    CardInsufficientFunds { en: "Your card has insufficient funds. Try another card.", zh: "您的卡片餘額不足，請改用其他卡片。" }
    ChallengeTitle { en: "Confirm it is you (3-D Secure)", zh: "確認是您本人（3-D Secure）" }
    ChallengeText { en: "Your bank asks you to confirm this payment. (A test page: choose what the bank should answer.)", zh: "您的銀行要求確認此筆付款。（測試頁面：請選擇銀行的回覆。）" }
    ChallengeApprove { en: "Approve", zh: "核准" }
    ChallengeFail { en: "Fail", zh: "失敗" }
    ChallengeContinue { en: "Continue to your bank's check", zh: "前往銀行驗證" }
    ChallengeFailed { en: "Your bank could not confirm it was you. Try again or use another card.", zh: "銀行無法確認是您本人，請重試或改用其他卡片。" }
    SaveCard { en: "Save this card for faster checkout next time", zh: "儲存此卡片，下次結帳更快速" }
    CardsTitle { en: "Saved cards", zh: "已儲存的卡片" }
    NoCards { en: "No saved cards. Tick \"Save this card\" when you pay to add one.", zh: "尚無已儲存的卡片。付款時勾選「儲存此卡片」即可新增。" }
    CardEnding { en: "{brand} ending in {last4}", zh: "{brand}，末四碼 {last4}" }
    CardExpires { en: "Expires {expiry}", zh: "有效期限 {expiry}" }
    CardExpired { en: "Expired {expiry}", zh: "已於 {expiry} 到期" }
    CardRemoved { en: "Card removed.", zh: "已移除卡片。" }
    ErrCardUnknown { en: "Choose one of your saved cards.", zh: "請選擇您已儲存的卡片。" }
    ErrCardExpired { en: "This card has expired; pay at checkout with another card.", zh: "此卡片已過期，請在結帳時改用其他卡片。" }
    BuyNow { en: "Buy now", zh: "立即購買" }
    BuyNowTitle { en: "Buy now", zh: "立即購買" }
    BuyNowNeedsAddress { en: "Buy now delivers to your default address: add one in your address book first.", zh: "「立即購買」會寄送到您的預設地址，請先在通訊錄新增地址。" }
    BuyNowNeedsCard { en: "Buy now pays with a saved card: tick \"Save this card\" the next time you pay at checkout.", zh: "「立即購買」使用已儲存的卡片付款，請在下次結帳付款時勾選「儲存此卡片」。" }
    BuyNowOrCart { en: "Add it to your cart and check out instead", zh: "改為加入購物車並結帳" }
    DeliverTo { en: "Deliver to", zh: "寄送至" }
    PayWith { en: "Pay with", zh: "付款方式" }
    ConfirmAndPay { en: "Confirm and pay {amount}", zh: "確認並付款 {amount}" }
    ErrNotPayable { en: "This payment is already complete or cancelled.", zh: "此筆付款已完成或已取消。" }
    ErrRefundAmount { en: "Refund an amount above zero and at most what is left of the payment.", zh: "退款金額須大於零，且不超過剩餘的付款金額。" }
    OrderTitle { en: "Your order", zh: "您的訂單" }
    OrderHeading { en: "Order {number}", zh: "訂單 {number}" }
    OrderThanks { en: "Thank you! We have your payment and sent a confirmation to {email}.", zh: "謝謝！我們已收到您的付款，並已寄送確認信至 {email}。" }
    OrderAwaitingPayment { en: "This order is waiting for payment.", zh: "此訂單正在等待付款。" }
    PaymentStatus { en: "Payment", zh: "付款狀態" }
    FulfilmentStatus { en: "Fulfilment", zh: "出貨狀態" }
    PlacedAt { en: "Placed", zh: "下單時間" }
    OrderLines { en: "Items ordered", zh: "訂購商品" }
    Timeline { en: "Timeline", zh: "訂單進度" }
    Refunded { en: "Refunded", zh: "已退款" }
    PickupCode { en: "Pickup code", zh: "取貨碼" }
    TrackingLine { en: "Shipped with {carrier}, tracking number {tracking}.", zh: "已由 {carrier} 寄出，追蹤號碼 {tracking}。" }
    CancelOrder { en: "Cancel order", zh: "取消訂單" }
    PrintReceipt { en: "Print this page for a receipt showing the VAT.", zh: "列印此頁即為含增值稅明細的收據。" }
    OrdersTitle { en: "Orders", zh: "訂單" }
    NoOrders { en: "No orders yet.", zh: "尚無訂單。" }
    OrderNumber { en: "Order number", zh: "訂單編號" }
    Items { en: "Items", zh: "件數" }
    Status { en: "Status", zh: "狀態" }
    FindOrderTitle { en: "Find your order", zh: "查詢訂單" }
    FindOrderText { en: "Enter the order number from your confirmation email and the email you ordered with.", zh: "請輸入確認信中的訂單編號，以及下單時使用的電子郵件。" }
    FindOrderButton { en: "Find the order", zh: "查詢訂單" }
    ErrOrderNotFound { en: "No order matches this number and email.", zh: "找不到符合此編號與電子郵件的訂單。" }
    TryAgainInMinutes { en: "Too many tries. Try again in {n} minutes.", zh: "嘗試次數過多，請於 {n} 分鐘後再試。" }
    StatusPending { en: "Awaiting payment", zh: "等待付款" }
    StatusAuthorized { en: "Authorised", zh: "已授權" }
    StatusPaid { en: "Paid", zh: "已付款" }
    StatusPartiallyRefunded { en: "Partly refunded", zh: "部分退款" }
    StatusRefunded { en: "Refunded", zh: "已退款" }
    StatusVoided { en: "Voided", zh: "已作廢" }
    StatusUnfulfilled { en: "Being prepared", zh: "備貨中" }
    StatusPacked { en: "Packed", zh: "已包裝" }
    StatusShipped { en: "Shipped", zh: "已出貨" }
    StatusDelivered { en: "Delivered", zh: "已送達" }
    StatusReadyForPickup { en: "Ready for pickup", zh: "可取貨" }
    StatusCollected { en: "Collected", zh: "已取貨" }
    StatusCancelled { en: "Cancelled", zh: "已取消" }
    EventPlaced { en: "Order placed", zh: "已下單" }
    EventPaymentFailed { en: "Payment failed", zh: "付款失敗" }
    EventReplaced { en: "Replaced by a new order from the same cart", zh: "已由同一購物車的新訂單取代" }
    EventOther { en: "Updated", zh: "已更新" }
    EventReturned { en: "Returned to stock", zh: "已退回庫存" }
    ReturnToStock { en: "Return to stock", zh: "退回庫存" }
    ReturnItem { en: "Item", zh: "商品" }
    ReturnQuantity { en: "Units returned", zh: "退回數量" }
    ReturnLocation { en: "Back into the stock of", zh: "退回至" }
    ReturnNote { en: "Reason (optional)", zh: "原因（選填）" }
    ReturnedOf { en: "{returned} of {quantity} returned", zh: "已退回 {returned}／{quantity}" }
    ErrReturnNotSent { en: "Only an order that was shipped, delivered or collected can have items returned.", zh: "只有已出貨、已送達或已取貨的訂單才能退回商品。" }
    ErrReturnLine { en: "Choose an item of this order.", zh: "請選擇此訂單中的商品。" }
    ErrReturnTooMany { en: "Return at least one unit and no more than were sold and not yet returned.", zh: "退回數量須至少 1 件，且不超過售出但尚未退回的數量。" }
    ErrUnknownLocation { en: "Choose one of the shop's locations.", zh: "請選擇本店的一個地點。" }
    ActionPack { en: "Mark packed", zh: "標記為已包裝" }
    ActionShip { en: "Ship", zh: "出貨" }
    ActionDeliver { en: "Mark delivered", zh: "標記為已送達" }
    ActionReady { en: "Ready for pickup", zh: "可取貨" }
    ActionHandOver { en: "Hand over", zh: "交付商品" }
    Carrier { en: "Carrier", zh: "物流業者" }
    TrackingNumber { en: "Tracking number", zh: "追蹤號碼" }
    Refund { en: "Refund", zh: "退款" }
    RefundAmount { en: "Amount to refund (£)", zh: "退款金額（英鎊）" }
    RefundLeft { en: "At most {amount}.", zh: "最多 {amount}。" }
    SearchOrders { en: "Order number or email", zh: "訂單編號或電子郵件" }
    Any { en: "Any", zh: "全部" }
    DateFrom { en: "From", zh: "起始日期" }
    DateTo { en: "To", zh: "結束日期" }
    OrdersFound { en: "{n} orders", zh: "共 {n} 筆訂單" }
    ErrMoveNotNow { en: "The order cannot do that from its current status.", zh: "訂單目前的狀態無法執行此操作。" }
    ErrMoveUnpaid { en: "The order is not paid.", zh: "此訂單尚未付款。" }
    ErrMoveMethod { en: "That is not for this order's delivery method.", zh: "此操作不適用於此訂單的配送方式。" }
    ErrCarrier { en: "Name the carrier (at most 60 characters).", zh: "請填寫物流業者（最多 60 個字元）。" }
    ErrTracking { en: "A tracking number has 4 to 40 letters, digits or hyphens.", zh: "追蹤號碼須為 4 至 40 個英數字或連字號。" }
    ErrPickupCode { en: "This is not the order's pickup code.", zh: "此取貨碼與訂單不符。" }
    ErrDate { en: "Enter a date as YYYY-MM-DD.", zh: "請以 YYYY-MM-DD 格式輸入日期。" }
    MailConfirmedSubject { en: "Your {shop} order {number}", zh: "您的{shop}訂單 {number}" }
    MailConfirmedBody { en: "Thank you for your order {number}. We have your payment of {total}.\n\nFollow your order here:\n{link}\n\n{shop}", zh: "感謝您的訂單 {number}，我們已收到您支付的 {total}。\n\n訂單進度請見：\n{link}\n\n{shop}" }
    MailShippedSubject { en: "Order {number} is on its way", zh: "訂單 {number} 已出貨" }
    MailShippedBody { en: "Your order {number} has left us with {carrier}, tracking number {tracking}.\n\n{link}\n\n{shop}", zh: "您的訂單 {number} 已由 {carrier} 寄出，追蹤號碼 {tracking}。\n\n{link}\n\n{shop}" }
    MailReadySubject { en: "Order {number} is ready to collect", zh: "訂單 {number} 可取貨了" }
    MailReadyBody { en: "Your order {number} is ready at the store. Show this code when you collect it: {code}\n\n{link}\n\n{shop}", zh: "您的訂單 {number} 已可於門市取貨。取貨時請出示此取貨碼：{code}\n\n{link}\n\n{shop}" }
    MailCancelledSubject { en: "Order {number} is cancelled", zh: "訂單 {number} 已取消" }
    MailCancelledBody { en: "Your order {number} is cancelled. Anything you paid is refunded to your card.\n\n{link}\n\n{shop}", zh: "您的訂單 {number} 已取消，已付款項將退回您的卡片。\n\n{link}\n\n{shop}" }
    MailRefundedSubject { en: "A refund for order {number}", zh: "訂單 {number} 退款通知" }
    MailRefundedBody { en: "We have refunded {amount} of your order {number} to your card.\n\n{link}\n\n{shop}", zh: "我們已將訂單 {number} 的 {amount} 退回您的卡片。\n\n{link}\n\n{shop}" }
    PriceDownSince { en: "The price has gone down since you added it (it was {price}).", zh: "加入後價格已調降（原為 {price}）。" }
    PriceUpSince { en: "The price has gone up since you added it (it was {price}).", zh: "加入後價格已調漲（原為 {price}）。" }
    OnlyAvailable { en: "Only {n} available now.", zh: "目前僅剩 {n} 件。" }
    EachPrice { en: "{price} each", zh: "每件 {price}" }
    Update { en: "Update", zh: "更新" }
    Remove { en: "Remove", zh: "移除" }
    SaveForLater { en: "Save for later", zh: "稍後再買" }
    ErrUnknownSku { en: "This product code is not in the shop.", zh: "本店沒有此商品編號。" }
    ErrLineMax { en: "A cart line holds at most 999 of one item.", zh: "每項商品最多可放 999 件。" }
    ErrOnlyAvailable { en: "Only {n} of this item are available.", zh: "此商品目前僅剩 {n} 件。" }
    ErrSoldOut { en: "This item is sold out.", zh: "此商品已售完。" }
    ErrCartFull { en: "The cart holds at most 100 different items.", zh: "購物車最多可放 100 種商品。" }
    ErrNotInCart { en: "This item is not in your cart.", zh: "此商品不在您的購物車中。" }
    WishlistCount { en: "{n} saved", zh: "已收藏 {n} 件" }
    RecsForYou { en: "For you", zh: "為您推薦" }
    AdminRecs { en: "Recommendations", zh: "推薦" }
    RecsSearchResults { en: "Search results", zh: "搜尋結果" }
    RecsPlacement { en: "Placement", zh: "版位" }
    RecsImpressions { en: "Products shown", zh: "商品曝光次數" }
    RecsClicks { en: "Clicks", zh: "點擊" }
    RecsClickThrough { en: "Click-through", zh: "點擊率" }
    RecsPurchasesAfter { en: "Purchases within {days} days of a click", zh: "點擊後 {days} 天內購買" }
    RecsPlacementsLastDays { en: "Placements, last {days} days", zh: "近 {days} 天的推薦版位" }
    RecsEventsLastDays { en: "Shopper events, last {days} days", zh: "近 {days} 天的顧客行為" }
    RecsModel { en: "Model", zh: "模型" }
    RecsNeverTrained { en: "Not trained yet: the first training runs within a minute of the start.", zh: "尚未訓練：啟動後一分鐘內會進行首次訓練。" }
    RecsTrainedAt { en: "Version {version}, trained {at} UTC in {ms} ms on purchases up to {newest} UTC.", zh: "第 {version} 版，{at} UTC 訓練，耗時 {ms} 毫秒，涵蓋至 {newest} UTC 的購買。" }
    RecsValidation { en: "Held-out check: trained before the last 30 days of purchases, scored on them", zh: "保留驗證：以最後 30 天之前的購買訓練，並以這 30 天評分" }
    RecsTask { en: "Task", zh: "任務" }
    RecsPopularityRecall { en: "recall@10 of popularity", zh: "熱門度的 recall@10" }
    RecsBaselineRecall { en: "recall@10 of the simple baseline (all: own repeats, then popular; new: implicit ALS alone)", zh: "簡單基準的 recall@10（全部：自己的回購，再補熱門；新品：僅隱式 ALS）" }
    RecsTrainNow { en: "Train now", zh: "立即訓練" }
    RecsTrainingStarted { en: "Training started; the new lists serve when it ends.", zh: "已開始訓練，完成後即採用新的推薦。" }
    RecsTrainingBusy { en: "A training is running already.", zh: "已有訓練正在進行。" }
    RecsTrending { en: "Trending now", zh: "熱門商品" }
    RecsTogether { en: "Often bought together", zh: "經常一起購買" }
    RecsSimilar { en: "Similar items", zh: "相似商品" }
    RecsComplete { en: "Complete your order", zh: "完成您的訂單" }
    RecsBuyAgain { en: "Buy again", zh: "再次購買" }
    RecsAddSet { en: "Add all {n} to cart", zh: "將 {n} 件全部加入購物車" }
    RecsBecauseViewed { en: "Because you viewed {title}", zh: "因為您瀏覽過「{title}」" }
    RecsBecauseSaved { en: "Because you saved {title}", zh: "因為您收藏了「{title}」" }
    RecsBecauseInCart { en: "Goes with {title} in your cart", zh: "與購物車中的「{title}」相配" }
    RecsBecauseBought { en: "Because you bought {title}", zh: "因為您購買過「{title}」" }
    RecsBecauseBoughtWith { en: "{pct}% of the orders with {title} also had these", zh: "含有「{title}」的訂單中，{pct}% 也買了這些" }
    RecsBecauseAlike { en: "Alike to {title}, and chosen by the same shoppers", zh: "與「{title}」相似，也受同樣的顧客青睞" }
    RecsBecauseOrders { en: "From your past orders, as you usually reorder", zh: "依您過去的訂單與回購習慣" }
    RecsBecauseTrending { en: "Selling most in the last days", zh: "近日最熱賣" }
    Personalize { en: "Personal recommendations", zh: "個人化推薦" }
    PersonalizeHint { en: "Use what I view, save, put in my cart and buy to recommend products. When off, nothing about your browsing is recorded and only recommendations for everyone show.", zh: "根據我瀏覽、收藏、加入購物車與購買的商品推薦。關閉後不會記錄您的瀏覽，只顯示給所有人的推薦。" }
    PersonalizeOn { en: "Personal recommendations are on.", zh: "個人化推薦已開啟。" }
    PersonalizeOff { en: "Personal recommendations are off.", zh: "個人化推薦已關閉。" }
    TurnOff { en: "Turn off", zh: "關閉" }
    TurnOn { en: "Turn on", zh: "開啟" }
    RecentlyViewed { en: "Recently viewed", zh: "最近瀏覽" }
    ClearRecentlyViewed { en: "Clear history", zh: "清除瀏覽紀錄" }
    RecentlyViewedEmpty { en: "Products you look at will appear here.", zh: "您瀏覽過的商品會顯示在這裡。" }
    AddAddress { en: "Add an address", zh: "新增地址" }
    AddressLine1 { en: "Address", zh: "地址" }
    AddressLine2 { en: "Address line 2 (optional)", zh: "地址第二行（選填）" }
    City { en: "Town or city", zh: "城市" }
    Postcode { en: "Postcode", zh: "郵遞區號" }
    Country { en: "Country", zh: "國家／地區" }
    PhoneOptional { en: "Phone (optional)", zh: "電話（選填）" }
    DefaultAddress { en: "Default", zh: "預設" }
    MakeDefault { en: "Make default", zh: "設為預設" }
    Delete { en: "Delete", zh: "刪除" }
    NoAddresses { en: "No saved addresses yet.", zh: "尚未儲存任何地址。" }
    AddressLineInvalid { en: "An address line is required (at most 200 characters).", zh: "地址為必填（最多 200 個字元）。" }
    CityInvalid { en: "A town or city is required (at most 100 characters).", zh: "城鎮或城市為必填（最多 100 個字元）。" }
    CountryInvalid { en: "We do not deliver to that country.", zh: "我們不配送到該國家／地區。" }
    PostcodeInvalid { en: "This is not a valid postcode for that country.", zh: "這不是該國家／地區的有效郵遞區號。" }
    PhoneInvalid { en: "A phone number has 6 to 15 digits (spaces, +, - and brackets allowed).", zh: "電話號碼須為 6 至 15 位數字（可含空格、+、- 與括號）。" }
    AddressSaved { en: "Address saved.", zh: "地址已儲存。" }
    TooManyAddresses { en: "You can keep at most 20 addresses; delete one first.", zh: "最多可儲存 20 個地址，請先刪除一個。" }
    ForgotTitle { en: "Reset your password", zh: "重設密碼" }
    ForgotText { en: "Enter your account's email and we will send you a link to choose a new password.", zh: "請輸入帳戶的電子郵件，我們會寄送設定新密碼的連結給您。" }
    ForgotButton { en: "Send the link", zh: "寄送連結" }
    ForgotSent { en: "If an account exists for that email, we have sent it a link. It works once, for one hour.", zh: "若該電子郵件有對應的帳戶，我們已寄出連結。連結僅能使用一次，一小時內有效。" }
    ResetTitle { en: "Choose a new password", zh: "設定新密碼" }
    ResetButton { en: "Set the new password", zh: "設定新密碼" }
    ResetLinkExpired { en: "This link has expired or was already used; ask for a new one.", zh: "此連結已過期或已使用過，請重新申請。" }
    PasswordWasReset { en: "Your password has been reset and other sessions signed out.", zh: "您的密碼已重設，其他裝置已登出。" }
    ResetEmailSubject { en: "Reset your Hearth & Heart Gifts password", zh: "重設您的暖心禮品密碼" }
    ResetEmailBody { en: "Hello {name},\n\nSomeone (we hope you) asked to reset the password of your {shop} account. Choose a new one here; the link works once, for one hour:\n\n{link}\n\nIf it was not you, ignore this email: your password stays as it is.\n\n{shop}", zh: "{name}，您好：\n\n有人（希望是您）申請重設您在{shop}的帳戶密碼。請透過以下連結設定新密碼；連結僅能使用一次，一小時內有效：\n\n{link}\n\n若不是您本人申請，請忽略此郵件，您的密碼不會變更。\n\n{shop}" }
    // Admin (issue #3).
    AdminTitle { en: "Shop admin", zh: "商店管理" }
    AdminNavigation { en: "Admin navigation", zh: "管理選單" }
    AdminDashboard { en: "Dashboard", zh: "總覽" }
    AdminStaff { en: "Staff", zh: "員工" }
    AdminAudit { en: "Audit log", zh: "稽核紀錄" }
    AdminCatalog { en: "Catalogue", zh: "商品目錄" }
    AdminOrders { en: "Orders", zh: "訂單" }
    AdminPromotions { en: "Promotions", zh: "促銷活動" }
    AdminContent { en: "Content", zh: "內容" }
    AdminCustomers { en: "Customers", zh: "顧客" }
    AdminAnalytics { en: "Analytics", zh: "數據分析" }
    AdminSupport { en: "Support", zh: "客服" }
    StatProducts { en: "Products", zh: "商品" }
    StatCustomers { en: "Customers (history)", zh: "顧客（歷史資料）" }
    StatOrders { en: "Orders (history)", zh: "訂單（歷史資料）" }
    StatMembers { en: "Accounts", zh: "帳戶" }
    StatStaff { en: "Staff accounts", zh: "員工帳戶" }
    Role { en: "Role", zh: "角色" }
    RoleShopper { en: "Shopper", zh: "顧客" }
    RoleSupport { en: "Support", zh: "客服" }
    RoleEditor { en: "Editor", zh: "編輯" }
    RoleAdmin { en: "Admin", zh: "管理員" }
    GrantRole { en: "Set a role", zh: "設定角色" }
    RoleInvalid { en: "The role must be shopper, support, editor or admin.", zh: "角色必須是顧客、客服、編輯或管理員。" }
    NoSuchAccount { en: "No account has this email address.", zh: "沒有使用此電子郵件的帳戶。" }
    OwnRole { en: "This is your own account; another Admin must change your role.", zh: "這是您自己的帳戶；須由其他管理員變更您的角色。" }
    When { en: "When (UTC)", zh: "時間（UTC）" }
    Variants { en: "Variants", zh: "款式" }
    Price { en: "Price", zh: "價格" }
    Stock { en: "Stock", zh: "庫存" }
    CustomerNumber { en: "Customer number", zh: "顧客編號" }
    LastOrder { en: "Last order (UTC)", zh: "最近訂單（UTC）" }
    Who { en: "Who", zh: "操作者" }
    What { en: "Action", zh: "動作" }
    Subject { en: "Subject", zh: "對象" }
    Client { en: "Client address", zh: "來源位址" }
    // Catalogue editing (/admin/products)
    NewProduct { en: "New product", zh: "新增商品" }
    EditProduct { en: "Edit product {id}", zh: "編輯商品 {id}" }
    ProductSaved { en: "Saved: version {version}.", zh: "已儲存：第 {version} 版。" }
    ProductCode { en: "Product code", zh: "商品編號" }
    TitleEn { en: "Title (English)", zh: "標題（英文）" }
    TitleZh { en: "Title (Traditional Chinese)", zh: "標題（繁體中文）" }
    DescriptionEn { en: "Description (English)", zh: "說明（英文）" }
    DescriptionZh { en: "Description (Traditional Chinese)", zh: "說明（繁體中文）" }
    ProductStatus { en: "Status", zh: "狀態" }
    StatusDraft { en: "Draft", zh: "草稿" }
    StatusActive { en: "Active", zh: "上架" }
    StatusArchived { en: "Archived", zh: "已封存" }
    PublishAt { en: "Goes live at (UTC)", zh: "上線時間（UTC）" }
    PublishAtHint { en: "Empty: live as soon as it is active.", zh: "留空：設為上架後立即上線。" }
    ScheduledFor { en: "Scheduled for {when}", zh: "預定於 {when} 上線" }
    PrimaryCategory { en: "Main category", zh: "主要分類" }
    AlsoIn { en: "Also in", zh: "同時列於" }
    Facets { en: "Materials and themes", zh: "材質與主題" }
    VariantColour { en: "Colour", zh: "顏色" }
    VariantPrice { en: "Price (£, VAT included)", zh: "價格（英鎊，含稅）" }
    VariantOption { en: "Option", zh: "選項" }
    NoColour { en: "None", zh: "無" }
    VariantsHint { en: "Fill an empty row to add a variant. A saved SKU cannot be changed.", zh: "填寫空白列即可新增款式。已儲存的 SKU 不能更改。" }
    SaveProduct { en: "Save product", zh: "儲存商品" }
    OneSize { en: "One size", zh: "單一規格" }
    ViewInShop { en: "View in the shop", zh: "在商店中查看" }
    NotSaved { en: "Not saved: {message}", zh: "未儲存：{message}" }
    NotSavedConflict { en: "Not saved: this product was saved again (version {version}) while you were editing. Your changes are below; saving now replaces that version.", zh: "未儲存：您編輯期間此商品已被他人儲存（第 {version} 版）。您的修改保留於下方；現在儲存將取代該版本。" }
    ConflictFields { en: "Your changes differ from the saved product in: {fields}.", zh: "您的修改與已儲存的商品不同之處：{fields}。" }
    Revisions { en: "Revisions", zh: "修訂紀錄" }
    RevisionLine { en: "Version {version} · {when} · {who}", zh: "第 {version} 版 · {when} · {who}" }
    StockHeading { en: "Stock", zh: "庫存" }
    StockOnHand { en: "On hand", zh: "現有" }
    StockAllocated { en: "Allocated", zh: "已分配" }
    StockHeld { en: "Held", zh: "保留中" }
    StockLocation { en: "Location", zh: "地點" }
    StockUnits { en: "Units (+ in, - out)", zh: "數量（+ 入庫，- 出庫）" }
    StockReason { en: "Reason", zh: "原因" }
    ReasonReceived { en: "Received", zh: "到貨" }
    ReasonAdjusted { en: "Adjusted (count, damage, loss)", zh: "調整（盤點、損壞、遺失）" }
    StockNote { en: "Note", zh: "備註" }
    RecordStock { en: "Record movement", zh: "記錄異動" }
    StockRecorded { en: "Stock movement recorded.", zh: "已記錄庫存異動。" }
    AllStatuses { en: "Any status", zh: "任何狀態" }
    Version { en: "Version", zh: "版本" }
    ErrRequired { en: "This is required.", zh: "此欄為必填。" }
    ErrControlChars { en: "Remove the control characters from this text.", zh: "請移除文字中的控制字元。" }
    ErrVersion { en: "The form lost the version it was editing: reload the page.", zh: "表單遺失了編輯中的版本：請重新載入頁面。" }
    ErrProductStatus { en: "Choose draft, active or archived.", zh: "請選擇草稿、上架或已封存。" }
    ErrPublishAt { en: "Enter a date and time such as 2026-12-24T18:30.", zh: "請輸入日期與時間，例如 2026-12-24T18:30。" }
    ErrUnknownFacet { en: "Choose materials and themes from the list.", zh: "請從清單中選擇材質與主題。" }
    ErrNoVariants { en: "Add at least one variant (SKU and price).", zh: "請至少新增一個款式（SKU 與價格）。" }
    ErrTooManyVariants { en: "At most {max} variants.", zh: "最多 {max} 個款式。" }
    ErrDuplicateSku { en: "This SKU is in the form twice.", zh: "此 SKU 在表單中重複。" }
    ErrPricePositive { en: "A price must be more than zero.", zh: "價格必須大於零。" }
    ErrSkuTaken { en: "This SKU belongs to another product ({product}).", zh: "此 SKU 屬於另一個商品（{product}）。" }
    ErrProductTaken { en: "A product with this code exists already.", zh: "此商品編號已存在。" }
    ErrUnknownCategory { en: "No such category: {value}.", zh: "沒有此分類：{value}。" }
    ErrStaleVersion { en: "Someone saved this product after you opened it (it is now version {version}). Your changes are kept: review them and save again.", zh: "您開啟後已有人儲存此商品（現為第 {version} 版）。您的修改已保留：請檢查後再儲存。" }
    ErrNoSuchProduct { en: "No such product.", zh: "沒有此商品。" }
    ErrStockReason { en: "Choose received or adjusted.", zh: "請選擇到貨或調整。" }
    ErrStockUnits { en: "Enter a whole number of units other than 0 (at most 100,000 either way).", zh: "請輸入不為 0 的整數數量（正負最多 100,000）。" }
    ErrStockReceivedNegative { en: "Received stock comes in: use a positive number, or choose adjusted to take units out.", zh: "到貨為入庫：請輸入正數，或選擇調整以扣除數量。" }
    ErrStockBelow { en: "Only {n} can be taken out here: the rest is allocated to orders or held at checkout.", zh: "此處最多只能扣除 {n} 件：其餘已分配給訂單或於結帳中保留。" }
    ErrUnknownVariant { en: "No such variant of this product.", zh: "此商品沒有此款式。" }
    // Content (/admin/content, /pages, /journal)
    Journal { en: "Journal", zh: "專欄" }
    JournalIntro { en: "Guides, gift ideas and stories from our workshop.", zh: "選購指南、送禮靈感與工作坊故事。" }
    JournalEmpty { en: "No articles here yet.", zh: "這裡還沒有文章。" }
    Topics { en: "Topics", zh: "主題" }
    AllTopics { en: "All topics", zh: "所有主題" }
    InEnglish { en: "In English", zh: "英文版" }
    NotTranslated { en: "This page has not been translated yet: it is shown in English.", zh: "此頁尚未翻譯，以下為英文版。" }
    VideoLink { en: "Watch the video", zh: "觀看影片" }
    NewArticle { en: "New article", zh: "新增文章" }
    NewPage { en: "New page", zh: "新增頁面" }
    EditEntry { en: "Edit “{title}”", zh: "編輯「{title}」" }
    EntryTitle { en: "Title", zh: "標題" }
    Kind { en: "Kind", zh: "類型" }
    KindPage { en: "Page", zh: "頁面" }
    KindArticle { en: "Article", zh: "文章" }
    AllKinds { en: "Pages and articles", zh: "頁面與文章" }
    Address { en: "Address", zh: "網址" }
    Updated { en: "Updated (UTC)", zh: "更新時間（UTC）" }
    Slug { en: "Address (slug)", zh: "網址代稱" }
    SlugHint { en: "Lower-case letters, digits and hyphens. Empty: made from the English title.", zh: "小寫英文字母、數字與連字號。留空：依英文標題產生。" }
    SystemSlugHint { en: "A service page keeps its address: every page links to it.", zh: "服務頁面的網址固定不變：每一頁都有連結指向它。" }
    Topic { en: "Topic", zh: "主題" }
    TopicHint { en: "The journal lists articles by topic, e.g. gift-ideas.", zh: "專欄依主題列出文章，例如 gift-ideas。" }
    FallbackHint { en: "Empty: Chinese readers see the English text, marked as such.", zh: "留空：中文讀者將看到標示為英文的內容。" }
    BodyEn { en: "Text (English, Markdown)", zh: "內文（英文，Markdown）" }
    BodyZh { en: "Text (Traditional Chinese, Markdown)", zh: "內文（繁體中文，Markdown）" }
    MarkdownHint { en: "Markdown: ## heading, **bold**, [link](https://…), ![picture](/media/…). A line [product 85123] shows that product’s card; [video https://…] a link to a video. HTML is shown as text.", zh: "Markdown：## 標題、**粗體**、[連結](https://…)、![圖片](/media/…)。單獨一行 [product 85123] 顯示該商品卡片；[video https://…] 顯示影片連結。HTML 會以純文字顯示。" }
    SeoHeading { en: "Search engines and sharing", zh: "搜尋引擎與分享" }
    SeoTitleEn { en: "SEO title (English)", zh: "SEO 標題（英文）" }
    SeoTitleZh { en: "SEO title (Traditional Chinese)", zh: "SEO 標題（繁體中文）" }
    SeoDescriptionEn { en: "Description (English)", zh: "摘要說明（英文）" }
    SeoDescriptionZh { en: "Description (Traditional Chinese)", zh: "摘要說明（繁體中文）" }
    SocialImage { en: "Social image", zh: "分享圖片" }
    SocialImageHint { en: "A picture of the shop’s own, such as /media/…", zh: "本商店的圖片路徑，例如 /media/…" }
    StatusPublished { en: "Published", zh: "已發布" }
    PublishEntryHint { en: "Empty: published as soon as saved as published. A later time schedules it.", zh: "留空：設為已發布並儲存後立即發布。填入未來時間即排程發布。" }
    SaveEntry { en: "Save", zh: "儲存" }
    Preview { en: "Preview", zh: "預覽" }
    NotSavedEntryConflict { en: "Not saved: this entry was saved again (version {version}) while you were editing. Your changes are below; saving now replaces that version.", zh: "未儲存：您編輯期間此內容已被他人儲存（第 {version} 版）。您的修改保留於下方；現在儲存將取代該版本。" }
    ConflictFieldsEntry { en: "Your changes differ from the saved entry in: {fields}.", zh: "您的修改與已儲存的內容不同之處：{fields}。" }
    RestoreVersion { en: "Restore version {version}", zh: "還原第 {version} 版" }
    CompareFrom { en: "Compare version", zh: "比較版本" }
    CompareTo { en: "with version", zh: "與版本" }
    Compare { en: "Compare", zh: "比較" }
    Comparing { en: "Version {from} against version {to}:", zh: "第 {from} 版與第 {to} 版的差異：" }
    NoDifferences { en: "No differences.", zh: "沒有差異。" }
    DeleteEntry { en: "Delete", zh: "刪除" }
    EntryDeleted { en: "Deleted. Its revisions stay in the record.", zh: "已刪除。修訂紀錄仍會保留。" }
    SystemPageHint { en: "A service page cannot be deleted or unpublished: every page links to it. Edit its text instead.", zh: "服務頁面不能刪除或取消發布：每一頁都有連結指向它。請改為編輯內容。" }
    ErrContentKind { en: "Choose page or article.", zh: "請選擇頁面或文章。" }
    ErrContentStatus { en: "Choose draft or published.", zh: "請選擇草稿或已發布。" }
    ErrSlug { en: "Use lower-case letters, digits and single hyphens (at most {max} characters).", zh: "請使用小寫英文字母、數字與單一連字號（最多 {max} 個字元）。" }
    ErrSlugTaken { en: "Another entry of this kind has this address already.", zh: "已有同類內容使用此網址。" }
    ErrLocalPath { en: "Use a picture of the shop’s own: a path starting with /.", zh: "請使用本商店的圖片：以 / 開頭的路徑。" }
    ErrCardProduct { en: "There is no product {code} for a [product {code}] card.", zh: "[product {code}] 卡片的商品 {code} 不存在。" }
    ErrTooManyCards { en: "At most {max} product cards in one text.", zh: "一篇內文最多 {max} 張商品卡片。" }
    ErrStaleEntry { en: "Someone saved this entry after you opened it (it is now version {version}). Your changes are kept: review them and save again.", zh: "您開啟後已有人儲存此內容（現為第 {version} 版）。您的修改已保留：請檢查後再儲存。" }
    ErrNoSuchRevision { en: "No such revision of this entry.", zh: "此內容沒有這個版本。" }
    ErrSystemSlug { en: "A service page keeps its address.", zh: "服務頁面的網址不能更改。" }
    ErrSystemStatus { en: "A service page stays published, without a schedule.", zh: "服務頁面必須維持已發布，且不能排程。" }
    ErrSystemDelete { en: "A service page cannot be deleted: every page links to it.", zh: "服務頁面不能刪除：每一頁都有連結指向它。" }
    ErrUnknownTopic { en: "No such topic.", zh: "沒有此主題。" }
    // Home page slots (/admin/home)
    AdminHome { en: "Home page", zh: "首頁版位" }
    SlotsIntro { en: "The hero banner and promotion tiles of the home page. The live banner with the latest start is shown (none: the shop's own promise); up to four live tiles, by position.", zh: "首頁的主橫幅與促銷方塊。顯示開始時間最晚的有效橫幅（若無則顯示商店標語）；最多顯示四個有效方塊，依排序。" }
    NewSlot { en: "New banner or tile", zh: "新增橫幅或方塊" }
    EditSlot { en: "Edit banner or tile", zh: "編輯橫幅或方塊" }
    SlotHero { en: "Hero banner", zh: "主橫幅" }
    SlotTile { en: "Promotion tile", zh: "促銷方塊" }
    SlotTextEn { en: "Text (English)", zh: "文字（英文）" }
    SlotTextZh { en: "Text (Traditional Chinese)", zh: "文字（繁體中文）" }
    SlotLink { en: "Links to", zh: "連結至" }
    SlotLinkKind { en: "Links to a", zh: "連結類型" }
    SlotLinkValue { en: "Category, search words, product code or address", zh: "分類、搜尋字詞、商品編號或網址代稱" }
    SlotLinkHint { en: "For example christmas (category), red lantern (search), 85123 (product), delivery (page).", zh: "例如 christmas（分類）、red lantern（搜尋）、85123（商品）、delivery（頁面）。" }
    LinkCategory { en: "Category", zh: "分類" }
    LinkSearch { en: "Search", zh: "搜尋" }
    LinkProduct { en: "Product", zh: "商品" }
    SlotImage { en: "Picture", zh: "圖片" }
    SlotStarts { en: "Starts (UTC)", zh: "開始（UTC）" }
    SlotEnds { en: "Ends (UTC)", zh: "結束（UTC）" }
    SlotStartsHint { en: "Empty: from now.", zh: "留空：立即開始。" }
    SlotEndsHint { en: "Empty: until removed.", zh: "留空：直到移除。" }
    SlotPosition { en: "Position", zh: "排序" }
    SlotPositionHint { en: "0 to 99: tiles show from the lowest.", zh: "0 至 99：方塊由小到大排列。" }
    SlotLive { en: "Live", zh: "顯示中" }
    SlotScheduled { en: "Scheduled", zh: "已排程" }
    SlotEnded { en: "Ended", zh: "已結束" }
    SlotDeleted { en: "Deleted.", zh: "已刪除。" }
    HeroCta { en: "Take a look", zh: "立即看看" }
    Promotions { en: "Promotions", zh: "優惠活動" }
    ErrSlotKind { en: "Choose hero banner or promotion tile.", zh: "請選擇主橫幅或促銷方塊。" }
    ErrLinkKind { en: "Choose a category, a search, a product, a page or an article.", zh: "請選擇分類、搜尋、商品、頁面或文章。" }
    ErrLinkTarget { en: "Enter a category or page address (lower-case letters, digits, hyphens), search words or a product code.", zh: "請輸入分類或頁面網址代稱（小寫字母、數字、連字號）、搜尋字詞或商品編號。" }
    ErrLinkMissing { en: "Nothing to link to: there is no {value} of that kind.", zh: "找不到連結目標：沒有此類型的 {value}。" }
    ErrEndsBeforeStart { en: "The end must come after the start.", zh: "結束時間必須晚於開始時間。" }
    AdminImport { en: "Import and export", zh: "匯入與匯出" }
    ImportIntro { en: "One row per variant. Only the product and sku columns are required: a column the file leaves out keeps what is saved, and a variant it does not name stays as it is. Categories and facets are separated by |. Every upload is checked first (a dry run); nothing changes until you apply it.", zh: "每個款式一列。只有 product 與 sku 欄為必填：檔案未含的欄位保留已儲存的內容，未列出的款式維持不變。分類與屬性以 | 分隔。每次上傳都會先檢查（試算）；套用前不會變更任何內容。" }
    ExportCsv { en: "Download every product (CSV)", zh: "下載所有商品（CSV）" }
    CsvFile { en: "CSV file", zh: "CSV 檔案" }
    CheckImport { en: "Check the file", zh: "檢查檔案" }
    ImportDryRun { en: "Dry run of the file: {rows} rows read. Nothing has changed yet.", zh: "檔案試算：已讀取 {rows} 列。尚未變更任何內容。" }
    ImportAdded { en: "Added ({n})", zh: "新增（{n}）" }
    ImportChanged { en: "Changed ({n})", zh: "變更（{n}）" }
    ImportUnchanged { en: "Unchanged: {n} products.", zh: "未變更：{n} 件商品。" }
    ImportRejected { en: "Rejected rows ({n})", zh: "拒絕的列（{n}）" }
    ImportLine { en: "Line", zh: "行" }
    ImportColumn { en: "Column", zh: "欄位" }
    ImportReason { en: "Reason", zh: "原因" }
    ImportWhat { en: "What changes", zh: "變更內容" }
    ApplyImport { en: "Apply {n} changes", zh: "套用 {n} 項變更" }
    ImportFixFirst { en: "Nothing will be changed while a row is rejected: fix those rows and upload the file again.", zh: "仍有被拒絕的列時不會變更任何內容：請修正後重新上傳。" }
    ImportNothing { en: "The file changes nothing.", zh: "此檔案不會變更任何內容。" }
    ImportApplied { en: "Imported: {added} added, {changed} changed.", zh: "已匯入：新增 {added} 件，變更 {changed} 件。" }
    ErrCsvUnreadable { en: "This row is not readable CSV (check its quotes).", zh: "此列不是可讀取的 CSV（請檢查引號）。" }
    ErrCsvEmpty { en: "The file is empty: its first line must name the columns.", zh: "檔案是空的：第一行必須列出欄位名稱。" }
    ErrCsvUnknownColumn { en: "Unknown column \"{column}\". The columns are: {columns}.", zh: "未知的欄位「{column}」。可用欄位：{columns}。" }
    ErrCsvDuplicateColumn { en: "The column \"{column}\" appears twice.", zh: "欄位「{column}」出現兩次。" }
    ErrCsvMissingColumns { en: "Missing columns: {columns}.", zh: "缺少欄位：{columns}。" }
    ErrCsvTooManyRows { en: "The file has more than {max} rows: split it into smaller files.", zh: "檔案超過 {max} 列：請分成較小的檔案。" }
    ErrCsvFieldCount { en: "This row has {n} cells; the first line names {m} columns.", zh: "此列有 {n} 格，但第一行有 {m} 個欄位。" }
    ErrCsvDiffers { en: "Differs from this product's first row (line {line}): leave it empty or the same.", zh: "與此商品的第一列（第 {line} 行）不同：請留空或填相同內容。" }
    ErrCsvNoFile { en: "Choose a CSV file to upload.", zh: "請選擇要上傳的 CSV 檔案。" }
    ErrCsvTooBig { en: "The file is too big: at most {mb} MB.", zh: "檔案太大：最多 {mb} MB。" }
    ErrCsvNotText { en: "This is not a CSV file: it must be UTF-8 text.", zh: "這不是 CSV 檔案：必須是 UTF-8 文字。" }
    ErrCsvRejected { en: "{n} rows are rejected: nothing was changed.", zh: "有 {n} 列被拒絕：未變更任何內容。" }
    ErrCsvMoved { en: "Products changed since the dry run: here is what the file would do now. Check it and apply again.", zh: "試算後商品已有變更：以下是檔案現在會做的變更。請確認後再套用。" }
    AdminCategories { en: "Categories", zh: "分類" }
    ErrImageNone { en: "Choose a picture to upload.", zh: "請選擇要上傳的圖片。" }
    ErrImageTooBig { en: "The picture is too big: at most {mb} MB.", zh: "圖片太大：最多 {mb} MB。" }
    ErrImageNotImage { en: "{name} is not a picture: PNG, JPEG and WebP are taken, recognised by their content.", zh: "{name} 不是圖片：接受 PNG、JPEG 與 WebP，依檔案內容辨識。" }
    ErrImageFalseType { en: "{name} says it is a {kind} picture, but its content is not a PNG, JPEG or WebP picture (pictures are recognised by their content, not their name).", zh: "{name} 標示為 {kind} 圖片，但其內容不是 PNG、JPEG 或 WebP 圖片（依內容辨識，而非檔名）。" }
    ErrImageBroken { en: "{name} starts like a {kind} picture but cannot be read: it may be damaged or cut short.", zh: "{name} 看似 {kind} 圖片但無法讀取：檔案可能已損壞或不完整。" }
    ErrImagePixels { en: "The picture is {width} × {height} pixels: at most {mp} megapixels and {side} pixels a side.", zh: "圖片為 {width} × {height} 像素：最多 {mp} 百萬像素，每邊最多 {side} 像素。" }
    ErrMediaInUse { en: "This picture is still shown: {uses}. Remove it there first.", zh: "此圖片仍在使用中：{uses}。請先從該處移除。" }
    ErrStaleMedia { en: "Someone changed this picture after you opened it. Reload the page and try again.", zh: "您開啟後已有人修改此圖片。請重新載入頁面後再試。" }
    ErrNoSuchMedia { en: "There is no picture number {id} in the library.", zh: "媒體庫中沒有編號 {id} 的圖片。" }
    ErrNoSuchVariant { en: "{sku} is not a variant of this product.", zh: "{sku} 不是此商品的款式。" }
    AdminMedia { en: "Media library", zh: "媒體庫" }
    MediaDeleted { en: "Picture deleted.", zh: "已刪除圖片。" }
    ErrBadAction { en: "Choose what to do.", zh: "請選擇要執行的動作。" }
    PhotoAdded { en: "Photo added.", zh: "已新增相片。" }
    PhotoChanged { en: "Photos updated.", zh: "已更新相片。" }
    MediaIntro { en: "Pictures are re-encoded on upload (PNG, JPEG or WebP, up to {mb} MB and {mp} megapixels): their EXIF data is removed and smaller copies are made for phones. Use a picture in Markdown with its path.", zh: "上傳時圖片會重新編碼（PNG、JPEG 或 WebP，最多 {mb} MB、{mp} 百萬像素）：移除 EXIF 資料並為手機製作較小的版本。在 Markdown 中以其路徑使用圖片。" }
    UploadPicture { en: "Upload a picture", zh: "上傳圖片" }
    PictureFile { en: "Picture file", zh: "圖片檔案" }
    AltEn { en: "Alt text (English)", zh: "替代文字（英文）" }
    AltZh { en: "Alt text (Chinese)", zh: "替代文字（中文）" }
    AltHint { en: "What the picture shows, for shoppers who cannot see it.", zh: "圖片的內容，供無法看見圖片的顧客使用。" }
    Upload { en: "Upload", zh: "上傳" }
    MediaSearch { en: "Search by name or alt text", zh: "依名稱或替代文字搜尋" }
    MediaNone { en: "No pictures yet.", zh: "尚無圖片。" }
    MediaUsedIn { en: "Shown in", zh: "使用於" }
    MediaUnused { en: "Not used anywhere: it can be deleted.", zh: "未被使用：可以刪除。" }
    MediaPath { en: "Path", zh: "路徑" }
    MediaSize { en: "{width} × {height} px, {kb} KB stored", zh: "{width} × {height} 像素，已儲存 {kb} KB" }
    PictureName { en: "Name", zh: "名稱" }
    Photos { en: "Photos", zh: "相片" }
    PhotosIntro { en: "The first photo is the product's picture in listings; a photo for a variant shows when that variant is chosen. Without photos the shop draws a picture.", zh: "第一張相片是商品在列表中的圖片；款式的相片在選擇該款式時顯示。沒有相片時，商店會繪製圖片。" }
    PhotoVariant { en: "Shows", zh: "顯示於" }
    PhotoWholeProduct { en: "The whole product", zh: "整個商品" }
    AddPhoto { en: "Add photo", zh: "新增相片" }
    AttachFromLibrary { en: "Or a picture from the library, by number", zh: "或依編號使用媒體庫中的圖片" }
    Attach { en: "Add from library", zh: "從媒體庫新增" }
    RemovePhoto { en: "Remove", zh: "移除" }
    MoveFirst { en: "Make first", zh: "設為第一張" }
    NoPhotos { en: "No photos yet: the shop shows a drawn picture.", zh: "尚無相片：商店顯示繪製的圖片。" }
    SaveProductFirst { en: "Save the product first, then add photos.", zh: "請先儲存商品，再新增相片。" }
    CategoriesIntro { en: "The storefront's category tree. A changed address, and a removed category, send visitors of the old address on (301).", zh: "商店的分類樹。變更網址或移除分類時，舊網址的訪客會被轉送（301）。" }
    NewCategory { en: "New category", zh: "新增分類" }
    EditCategory { en: "Edit category", zh: "編輯分類" }
    CategoryNameEn { en: "Name (English)", zh: "名稱（英文）" }
    CategoryNameZh { en: "Name (Traditional Chinese)", zh: "名稱（繁體中文）" }
    CategoryDescriptionEn { en: "Description (English)", zh: "說明（英文）" }
    CategoryDescriptionZh { en: "Description (Traditional Chinese)", zh: "說明（繁體中文）" }
    CategorySlugHint { en: "Empty when adding: made from the English name. Changing it keeps the old address working (301).", zh: "新增時留空：由英文名稱產生。變更後舊網址仍可使用（301）。" }
    CategoryParent { en: "Parent", zh: "上層分類" }
    CategoryTopLevel { en: "(top level)", zh: "（最上層）" }
    CategoryPositionHint { en: "0 to 999: categories under the same parent show from the lowest.", zh: "0 至 999：同一上層的分類由小到大排列。" }
    CategoryProducts { en: "Products", zh: "商品數" }
    CategoryAddress { en: "Address", zh: "網址" }
    CategorySaved { en: "Saved: version {version}.", zh: "已儲存：第 {version} 版。" }
    CategoryRemoved { en: "Category removed.", zh: "已移除分類。" }
    RemoveCategory { en: "Remove this category", zh: "移除此分類" }
    CategoryMoveTo { en: "Move its products to", zh: "將其商品移至" }
    CategoryMoveToNone { en: "(nowhere: it has no products)", zh: "（不移動：此分類沒有商品）" }
    CategoryRemoveHint { en: "Its sub-categories move up to its parent; its address sends visitors to where its products go (else to its parent).", zh: "其子分類將移至其上層；其網址會將訪客轉送至商品移往的分類（否則轉至上層）。" }
    ErrCategoryCycle { en: "A category cannot go under itself or one of its own sub-categories.", zh: "分類不能放在自己或自己的子分類之下。" }
    ErrCategorySlugTaken { en: "Another category has this address already.", zh: "已有其他分類使用此網址。" }
    ErrCategoryPosition { en: "Enter a whole number from 0 to {max}.", zh: "請輸入 0 至 {max} 的整數。" }
    ErrCategoryMoveTo { en: "Choose where its {n} products go.", zh: "請選擇其 {n} 件商品要移往的分類。" }
    ErrCategoryLinked { en: "A home page banner or tile links here: choose a category to send it to.", zh: "首頁橫幅或方塊連結至此：請選擇要轉往的分類。" }
    ErrPosition { en: "Enter a whole number from 0 to 99.", zh: "請輸入 0 至 99 的整數。" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<String> {
        let mut out: Vec<String> = s
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn every_message_exists_in_every_language_with_the_same_placeholders() {
        for msg in Msg::ALL {
            let en = msg.text(Locale::En);
            assert!(!en.trim().is_empty(), "{msg:?} has no English text");
            for locale in Locale::ALL {
                let text = msg.text(locale);
                assert!(!text.trim().is_empty(), "{msg:?} is empty in {locale:?}");
                assert_eq!(
                    placeholders(en),
                    placeholders(text),
                    "{msg:?} placeholders differ in {locale:?}"
                );
            }
            assert_ne!(en, msg.text(Locale::ZhHant), "{msg:?} is not translated");
        }
    }

    #[test]
    fn accept_language_picks_the_highest_supported_q() {
        assert_eq!(
            Locale::from_accept_language("zh-TW,zh;q=0.9,en;q=0.8"),
            Locale::ZhHant
        );
        assert_eq!(
            Locale::from_accept_language("fr-FR, en;q=0.5, zh-Hant;q=0.7"),
            Locale::ZhHant
        );
        assert_eq!(Locale::from_accept_language("de, fr"), Locale::En);
        assert_eq!(Locale::from_accept_language("zh;q=0, en"), Locale::En);
        assert_eq!(Locale::from_accept_language(""), Locale::En);
        assert_eq!(
            Locale::from_accept_language("en-GB;q=0.8, zh-HK;q=0.8"),
            Locale::En
        );
        assert_eq!(Locale::from_accept_language(";;;,,,q=abc"), Locale::En);
    }

    #[test]
    fn the_cookie_beats_accept_language() {
        assert_eq!(
            Locale::negotiate(Some("a=1; lang=zh-Hant"), Some("en")),
            Locale::ZhHant
        );
        assert_eq!(
            Locale::negotiate(Some("lang=en"), Some("zh-TW")),
            Locale::En
        );
        assert_eq!(
            Locale::negotiate(Some("lang=xx"), Some("zh-TW")),
            Locale::ZhHant
        );
        assert_eq!(Locale::negotiate(None, None), Locale::En);
    }

    #[test]
    fn prices_are_grouped_with_two_decimals() {
        assert_eq!(
            format_price(crate::domain::Money::gbp(255), Locale::En),
            "£2.55"
        );
        assert_eq!(
            format_price(crate::domain::Money::gbp(5), Locale::En),
            "£0.05"
        );
        assert_eq!(
            format_price(crate::domain::Money::gbp(123_456_789), Locale::ZhHant),
            "£1,234,567.89"
        );
        assert_eq!(
            format_price(crate::domain::Money::gbp(-1000), Locale::En),
            "-£10.00"
        );
        assert_eq!(format_count(1_000_000, Locale::En), "1,000,000");
    }

    #[test]
    fn fill_replaces_named_placeholders() {
        assert_eq!(
            fill(
                Msg::PageOf.text(Locale::En),
                &[("page", "2"), ("pages", "9")]
            ),
            "Page 2 of 9"
        );
        assert_eq!(
            fill(
                Msg::PageOf.text(Locale::ZhHant),
                &[("page", "2"), ("pages", "9")]
            ),
            "第 2 頁，共 9 頁"
        );
    }
}
