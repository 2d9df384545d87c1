//! `server recs eval`, `server recs train` and `server recommend`: the recommenders'
//! offline evaluation, their training on demand, and their batch interface over the
//! lists the shop serves (`app::recs`).

use std::fmt::Write as _;

use app::recs::eval::{evaluate, Report, Scores, VALIDATION_DAYS};
use app::recs::served::STORED_K;
use app::recs::ssr::load_history;
use app::recs::store::{train_and_store, RecsHandle, Trained};
use sqlx::AnyPool;

/// `--train-until DATE [--days N]`.
#[derive(Debug, PartialEq)]
pub struct EvalArgs {
    pub until: i64,
    pub days: i64,
}

/// `--customers FILE -k N [--exclude-purchased] --format jsonl`.
#[derive(Debug, PartialEq)]
pub struct RecommendArgs {
    pub customers: String,
    pub k: usize,
    pub exclude_purchased: bool,
}

fn value<'a>(args: &[&'a str], i: usize, flag: &str) -> Result<&'a str, String> {
    args.get(i + 1)
        .copied()
        .filter(|v| !v.starts_with("--"))
        .ok_or_else(|| format!("{flag}: needs a value"))
}

/// A day (`YYYY-MM-DD`, midnight UK time, as the dataset's times are).
fn parse_day(raw: &str) -> Result<i64, String> {
    let ok = raw.len() == 10 && raw.as_bytes()[4] == b'-' && raw.as_bytes()[7] == b'-';
    ok.then(|| crate::import::parse::parse_uk_time(&format!("{raw} 00:00")))
        .flatten()
        .ok_or_else(|| format!("--train-until: {raw:?} is not a date like 2011-10-01"))
}

pub fn parse_eval(args: &[&str]) -> Result<EvalArgs, String> {
    let (mut until, mut days) = (None, 31);
    let mut i = 0;
    while i < args.len() {
        match args[i] {
            "--train-until" => until = Some(parse_day(value(args, i, "--train-until")?)?),
            "--days" => {
                let raw = value(args, i, "--days")?;
                days = raw
                    .parse::<i64>()
                    .ok()
                    .filter(|d| (1..=366).contains(d))
                    .ok_or_else(|| {
                        format!("--days: {raw:?} is not a whole number from 1 to 366")
                    })?;
            }
            other => return Err(format!("{other}: not an option of `recs eval`")),
        }
        i += 2;
    }
    Ok(EvalArgs {
        until: until.ok_or("--train-until: missing (a date like 2011-10-01)")?,
        days,
    })
}

pub fn parse_recommend(args: &[&str]) -> Result<RecommendArgs, String> {
    let (mut customers, mut k, mut exclude_purchased, mut format) = (None, 10, false, None);
    let mut i = 0;
    while i < args.len() {
        match args[i] {
            "--exclude-purchased" => {
                exclude_purchased = true;
                i += 1;
                continue;
            }
            "--customers" => customers = Some(value(args, i, "--customers")?.to_owned()),
            "-k" => {
                let raw = value(args, i, "-k")?;
                k = raw
                    .parse::<usize>()
                    .ok()
                    .filter(|k| (1..=STORED_K).contains(k))
                    .ok_or_else(|| {
                        format!("-k: {raw:?} is not a whole number from 1 to {STORED_K}")
                    })?;
            }
            "--format" => format = Some(value(args, i, "--format")?),
            other => return Err(format!("{other}: not an option of `recommend`")),
        }
        i += 2;
    }
    match format {
        Some("jsonl") => {}
        Some(other) => return Err(format!("--format: {other:?} is not supported (jsonl)")),
        None => return Err("--format: missing (jsonl)".into()),
    }
    Ok(RecommendArgs {
        customers: customers.ok_or("--customers: missing (a file of customer numbers)")?,
        k,
        exclude_purchased,
    })
}

fn row(name: &str, s: &Scores) -> String {
    format!(
        "  {name:<30} recall@10 {:.4}  hit-rate@10 {:.4}  NDCG@10 {:.4}  ({} customers; hits / min(10, bought) {:.4})\n",
        s.recall, s.hit_rate, s.ndcg, s.customers, s.recall_capped
    )
}

/// What `server recs eval` prints: a table, then the report as one JSON line.
pub fn render_report(r: &Report) -> String {
    let mut out = format!(
        "trained on the history before the cut ({} ms, weights tuned on its last {} days), scored on the {} days after it\n",
        r.train_ms, VALIDATION_DAYS, r.days
    );
    out += "task all (repeat purchases count):\n";
    out += &row("model", &r.all.model);
    out += &row("own repeats, then popular", &r.all.baseline);
    out += &row("recency-weighted popularity", &r.all.popular);
    out += "task new (only items the customer never bought before):\n";
    out += &row("model", &r.new.model);
    out += &row("implicit ALS alone", &r.new.baseline);
    out += &row("recency-weighted popularity", &r.new.popular);
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string(r).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    );
    out
}

pub async fn eval(pool: &AnyPool, args: &EvalArgs) -> Result<Report, String> {
    let history = load_history(pool).await.map_err(|e| e.to_string())?;
    Ok(evaluate(&history, args.until, args.days, 10))
}

/// What `server recs train` prints.
pub fn render_trained(t: &Trained) -> String {
    let mut out = format!(
        "trained in {} ms: lists for {} customers (version {}), newest purchase {}\n",
        t.train_ms, t.customers, t.id, t.newest_purchase
    );
    if let Some(r) = &t.figures {
        out += &format!(
            "held-out check (trained before the last {} days, scored on them):\n",
            r.days
        );
        out += &row("all: model", &r.all.model);
        out += &row("all: own repeats, then popular", &r.all.baseline);
        out += &row("all: popularity", &r.all.popular);
        out += &row("new: model", &r.new.model);
        out += &row("new: implicit ALS alone", &r.new.baseline);
        out += &row("new: popularity", &r.new.popular);
    }
    out
}

pub async fn train(pool: &AnyPool) -> Result<String, String> {
    let now = app::web::ssr::now_ms();
    let trained = train_and_store(pool, pool, now)
        .await
        .map_err(|e| e.to_string())?;
    Ok(render_trained(&trained))
}

/// The newest stored lists; trained first when there are none and `train` says so.
async fn stored_lists(
    pool: &AnyPool,
    train: bool,
) -> Result<std::sync::Arc<app::recs::served::Served>, String> {
    let handle = RecsHandle::default();
    let load = || async {
        handle
            .refresh_if_changed(pool)
            .await
            .map_err(|e| e.to_string())
    };
    load().await?;
    if handle.current().is_none() && train {
        train_and_store(pool, pool, app::web::ssr::now_ms())
            .await
            .map_err(|e| e.to_string())?;
        load().await?;
    }
    handle
        .current()
        .ok_or_else(|| "no stored recommendations: run `server recs train` first".into())
}

/// `server recs bench`: the time to answer a top-10 from the stored lists (what a
/// placement does before it reads the cards), for every known shopper (their purchase
/// lists merged with the seeds of their three favourite products, as a member with
/// recent views) and for as many guests with five viewed products; p50, p99 and max.
pub async fn bench(pool: &AnyPool) -> Result<String, String> {
    use app::recs::served::SeedKind;
    use std::collections::HashSet;
    let served = stored_lists(pool, false).await?;
    let none = HashSet::new();
    let mut names: Vec<&String> = served.customers.keys().collect();
    names.sort();
    let percentiles = |mut t: Vec<u128>| -> String {
        t.sort_unstable();
        let at = |q: f64| t[((t.len() as f64 - 1.0) * q).round() as usize];
        format!(
            "p50 {} µs, p99 {} µs, max {} µs over {}",
            at(0.5),
            at(0.99),
            at(1.0),
            t.len()
        )
    };
    let mut members = Vec::with_capacity(names.len());
    let mut guests = Vec::with_capacity(names.len());
    let products = served.products.len().max(1) as u32;
    for (n, name) in names.iter().enumerate() {
        let seeds: Vec<(u32, SeedKind)> = served
            .buy_again(name, 3)
            .into_iter()
            .map(|p| (p, SeedKind::Viewed))
            .collect();
        let t = std::time::Instant::now();
        let top = served.personal(Some(name), &seeds, &none, false, 10);
        members.push(t.elapsed().as_micros());
        std::hint::black_box(top);
        let viewed: Vec<(u32, SeedKind)> = (0..5u32)
            .map(|i| ((n as u32 * 7919 + i * 104_729) % products, SeedKind::Viewed))
            .collect();
        let t = std::time::Instant::now();
        let top = served.personal(None, &viewed, &none, false, 10);
        guests.push(t.elapsed().as_micros());
        std::hint::black_box(top);
    }
    if members.is_empty() {
        return Err("the stored lists know no shopper".into());
    }
    Ok(format!(
        "top-10 from the stored lists (version {}):\n  members with purchases and 3 seeds: {}\n  guests with 5 viewed products:      {}\n",
        served.version,
        percentiles(members),
        percentiles(guests)
    ))
}

/// One customer number per line (blank lines skipped; `17850.0` as the dataset writes it
/// is `17850`); one JSON line each: the customer as given and the stock codes of their
/// top `k`, from the lists the shop serves (trained first if there are none). A customer
/// the history does not know gets trending items.
pub async fn recommend(
    pool: &AnyPool,
    args: &RecommendArgs,
    customers: &str,
) -> Result<String, String> {
    let served = stored_lists(pool, true).await?;
    let mut out = String::new();
    for raw in customers.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let number = raw.strip_suffix(".0").unwrap_or(raw);
        let items = served.recommend(number, args.k, args.exclude_purchased);
        let line = serde_json::json!({ "customer": raw, "items": items });
        let _ = writeln!(out, "{line}");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_checked_with_the_flag_and_the_reason() {
        let e = parse_eval(&["--train-until", "2011-10-01"]).expect("ok");
        assert_eq!(e.days, 31);
        assert_eq!(e.until, 1_317_423_600_000, "midnight in London (BST)");
        for (args, says) in [
            (&[][..], "--train-until: missing"),
            (
                &["--train-until", "2011-13-01"][..],
                "--train-until: \"2011-13-01\" is not a date",
            ),
            (&["--train-until", "yesterday"][..], "is not a date"),
            (
                &["--train-until", "2011-10-01", "--days", "0"][..],
                "--days: \"0\" is not a whole number",
            ),
            (&["--train-until"][..], "--train-until: needs a value"),
            (&["--until", "2011-10-01"][..], "--until: not an option"),
        ] {
            let err = parse_eval(args).expect_err("refused");
            assert!(err.contains(says), "{args:?}: {err}");
        }
        let r = parse_recommend(&[
            "--format",
            "jsonl",
            "--exclude-purchased",
            "--customers",
            "c.txt",
            "-k",
            "3",
        ])
        .expect("ok");
        assert_eq!(
            r,
            RecommendArgs {
                customers: "c.txt".into(),
                k: 3,
                exclude_purchased: true
            }
        );
        for (args, says) in [
            (&["--customers", "c", "-k", "10"][..], "--format: missing"),
            (
                &["--customers", "c", "--format", "csv"][..],
                "--format: \"csv\" is not supported",
            ),
            (&["--format", "jsonl"][..], "--customers: missing"),
            (
                &["--customers", "c", "-k", "ten", "--format", "jsonl"][..],
                "-k: \"ten\"",
            ),
            (
                &["--customers", "c", "-k", "51", "--format", "jsonl"][..],
                "-k: \"51\"",
            ),
        ] {
            let err = parse_recommend(args).expect_err("refused");
            assert!(err.contains(says), "{args:?}: {err}");
        }
    }
}
