use std::io::Read;
use std::process::ExitCode;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use tracing_subscriber::EnvFilter;

use server::config::Config;
use server::db::{self, Backend};
use server::startup;

const USAGE: &str = "\
usage: server [serve]                              run the shop (see README for the environment)
       server import online-retail <file.csv[.gz]>  import the Online Retail dataset
       server migrate                              apply database migrations and exit
       server admin create --email <email> [--name <name>]
                                                   create (or promote) an Admin; the password
                                                   is prompted, or read from stdin when piped
       server recs eval --train-until <YYYY-MM-DD> [--days <n>]
                                                   train on the history before the date and
                                                   score the n days after it (default 31)
       server recs train                           train the recommendations now and store them
                                                   (every server process loads them)
       server recs bench                           time the serving of top-10 lists (p50, p99)
       server recommend --customers <file> -k <n> [--exclude-purchased] --format jsonl
                                                   the top n for each customer number in file
       server bench-baseline <addr> <dir>          serve <dir>/<name>.html at /<name> from memory
                                                   (the baseline `cargo xtask bench` compares with)";

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tantivy=warn")),
        )
        .with_target(false)
        // Logs go to stderr: stdout is what a command prints (`server recommend` JSON lines).
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = runtime.block_on(async {
        match args.as_slice() {
            [] | ["serve"] => serve(config).await,
            ["import", "online-retail", file] => import(config, file).await,
            ["migrate"] => migrate(config).await,
            ["admin", "create", "--email", email] => admin_create(config, email, "").await,
            ["admin", "create", "--email", email, "--name", name] => {
                admin_create(config, email, name).await
            }
            ["recs", "eval", rest @ ..] => recs_eval(config, rest).await,
            ["recs", "train"] => recs_train(config).await,
            ["recs", "bench"] => recs_bench(config).await,
            ["recommend", rest @ ..] => recommend(config, rest).await,
            ["bench-baseline", addr, dir] => bench_baseline(addr, dir).await,
            ["-h"] | ["--help"] | ["help"] => {
                println!("{USAGE}");
                Ok(())
            }
            _ => Err(format!("unknown command\n{USAGE}")),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let state = startup::build_state(&config)
        .await
        .map_err(|e| e.to_string())?;
    startup::spawn_catalog_refresh(&state, Duration::from_millis(config.catalog_refresh_ms));
    server::mailer::spawn(state.app.writer.clone(), &config)?;
    server::cleanup::spawn(
        state.app.writer.clone(),
        server::cleanup::Keep {
            retention_days: config.retention_days,
            guest_cart_days: config.guest_cart_days,
            events_days: config.events_days,
        },
        Duration::from_secs(600),
        config.media_dir.clone().into(),
    );
    server::payments::spawn(state.app.writer.clone(), state.app.backend, config.addr);
    if config.recs_placements {
        startup::spawn_recs_trainer(&state, Duration::from_secs(config.recs_train_hours * 3600));
    }
    let app = startup::router(state, &config);
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    tracing::info!("listening on http://{}", config.addr);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| e.to_string())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

/// A small pool on the configured database, migrated (the CLI commands' start).
async fn migrated_pool(config: &Config) -> Result<(sqlx::AnyPool, Backend), String> {
    let backend = Backend::of_url(&config.database_url);
    let pool = db::connect(&config.database_url, 2)
        .await
        .map_err(|e| e.to_string())?;
    db::migrate(&pool, backend)
        .await
        .map_err(|e| e.to_string())?;
    Ok((pool, backend))
}

async fn migrate(config: Config) -> Result<(), String> {
    migrated_pool(&config).await?;
    println!("migrations applied");
    Ok(())
}

async fn admin_create(config: Config, email: &str, name: &str) -> Result<(), String> {
    use std::io::IsTerminal;
    let password = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password for the new Admin: ")
            .map_err(|e| format!("reading the password: {e}"))?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| format!("reading the password from stdin: {e}"))?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    let (pool, backend) = migrated_pool(&config).await?;
    let id = server::accounts::create_admin(&pool, backend, email, &password, name).await?;
    println!("admin account {id} ready; sign in at /account/sign-in");
    Ok(())
}

async fn import(config: Config, file: &str) -> Result<(), String> {
    let handle = std::fs::File::open(file).map_err(|e| format!("{file}: {e}"))?;
    let size = handle.metadata().map(|m| m.len()).unwrap_or(0);
    let (pool, backend) = migrated_pool(&config).await?;
    // Reading is measured in bytes of the file; writing in rows.
    let read_bar = ProgressBar::new(size);
    read_bar.set_style(
        ProgressStyle::with_template("{msg:8} [{bar:40}] {bytes}/{total_bytes} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let input: Box<dyn Read + Send> = Box::new(read_bar.wrap_read(handle));
    let rows_bar = ProgressBar::new(0);
    rows_bar.set_style(
        ProgressStyle::with_template("{msg:8} [{bar:40}] {pos}/{len} rows ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    read_bar.set_message("reading");
    let report = server::import::import_online_retail(&pool, backend, input, rows_bar)
        .await
        .map_err(|e| e.to_string())?;
    read_bar.finish_and_clear();
    println!("{report}");
    Ok(())
}

async fn recs_eval(config: Config, args: &[&str]) -> Result<(), String> {
    let args = server::recs::parse_eval(args)?;
    let (pool, _) = migrated_pool(&config).await?;
    let report = server::recs::eval(&pool, &args).await?;
    print!("{}", server::recs::render_report(&report));
    Ok(())
}

async fn recs_train(config: Config) -> Result<(), String> {
    let (pool, _) = migrated_pool(&config).await?;
    print!("{}", server::recs::train(&pool).await?);
    Ok(())
}

async fn recs_bench(config: Config) -> Result<(), String> {
    let (pool, _) = migrated_pool(&config).await?;
    print!("{}", server::recs::bench(&pool).await?);
    Ok(())
}

async fn recommend(config: Config, args: &[&str]) -> Result<(), String> {
    let args = server::recs::parse_recommend(args)?;
    let customers = std::fs::read_to_string(&args.customers)
        .map_err(|e| format!("--customers: {}: {e}", args.customers))?;
    let (pool, _) = migrated_pool(&config).await?;
    print!(
        "{}",
        server::recs::recommend(&pool, &args, &customers).await?
    );
    Ok(())
}

/// The benchmark's baseline: a bare axum router answering each captured page from memory,
/// so `cargo xtask bench` can report how close the real server comes to "just send bytes".
async fn bench_baseline(addr: &str, dir: &str) -> Result<(), String> {
    use axum::response::Html;
    use axum::routing::get;
    let mut router = axum::Router::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{dir}: {e}"))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let (Some(stem), Some("html")) = (
            path.file_stem().and_then(|s| s.to_str()),
            path.extension().and_then(|s| s.to_str()),
        ) else {
            continue;
        };
        let body = std::fs::read_to_string(&path).map_err(|e| format!("{path:?}: {e}"))?;
        let body: &'static str = Box::leak(body.into_boxed_str());
        router = router.route(&format!("/{stem}"), get(move || async move { Html(body) }));
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())
}
