//! Regression test: concurrent server-rendered requests must all complete.
//! (A hang in streaming SSR once left requests pending forever; see the README.)

use crate::common;

use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_pages_all_complete() {
    let app = common::TestApp::spawn(common::Engine::Sqlite).await;
    let paths = [
        "/search?q=lantren",
        "/",
        "/c/home-decor?colour=red",
        "/p/84997/x",
        "/search?q=heart+holder",
        "/no-such",
    ];
    let mut handles = Vec::new();
    for worker in 0..8 {
        let router = app.router.clone();
        handles.push(tokio::spawn(async move {
            for i in 0..40 {
                let path = paths[(worker + i) % paths.len()];
                let req = axum::http::Request::get(path)
                    .body(axum::body::Body::empty())
                    .expect("request");
                let res = tokio::time::timeout(Duration::from_secs(20), async {
                    use http_body_util::BodyExt;
                    use tower::ServiceExt;
                    let res = router.clone().oneshot(req).await.expect("infallible");
                    let status = res.status();
                    res.into_body().collect().await.map(|_| status)
                })
                .await;
                match res {
                    Ok(Ok(status)) => assert!(status.as_u16() < 500, "{path}: {status}"),
                    Ok(Err(e)) => panic!("{path}: body error {e}"),
                    Err(_) => panic!(
                        "{path}: no complete answer within 20 s (worker {worker}, request {i})"
                    ),
                }
            }
        }));
    }
    for h in handles {
        h.await.expect("worker");
    }
}

/// Waits (at most a minute) until `count` reaches `all`: a meeting point that a thread
/// which panicked cannot leave the others stuck at (it counts itself before unwinding).
fn meet(count: &std::sync::atomic::AtomicUsize, all: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while count.load(std::sync::atomic::Ordering::SeqCst) < all
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The same load from two tokio runtimes in one process (as parallel `#[tokio::test]`s
/// are), each serving its own app. All runtimes serve at the same time and each lives
/// until all have finished: a runtime that stops beside a busy one is the known hang
/// below, which this test is not about (CI once failed here when the quickest runtime had
/// finished and stopped before the slowest one sent its first request).
#[test]
fn two_runtimes_in_one_process() {
    use std::sync::{atomic::AtomicUsize, atomic::Ordering, Arc};
    let started = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..3)
        .map(|n| {
            let (started, finished) = (started.clone(), finished.clone());
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("runtime");
                let served = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    rt.block_on(async {
                        let app = common::TestApp::spawn(common::Engine::Sqlite).await;
                        started.fetch_add(1, Ordering::SeqCst);
                        meet(&started, 3);
                        for i in 0..(60 + n * 20) {
                            let req = axum::http::Request::get("/search?q=lantren")
                                .body(axum::body::Body::empty())
                                .expect("request");
                            let res = tokio::time::timeout(Duration::from_secs(20), async {
                                use http_body_util::BodyExt;
                                use tower::ServiceExt;
                                let res =
                                    app.router.clone().oneshot(req).await.expect("infallible");
                                res.into_body().collect().await.map(|_| ())
                            })
                            .await;
                            assert!(res.is_ok(), "runtime {n}: request {i} never completed");
                        }
                    })
                }));
                if served.is_err() {
                    started.fetch_add(3, Ordering::SeqCst);
                }
                finished.fetch_add(1, Ordering::SeqCst);
                meet(&finished, 3);
                drop(rt);
                if let Err(panic) = served {
                    std::panic::resume_unwind(panic);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("no hang");
    }
}

/// Apps on tokio runtimes that start and stop while another runtime's app is serving, as
/// `cargo test` does with more than one test thread (each test has its own runtime): now
/// and then a request never completes (the timeout layer's 503 after 30 s; meanwhile the
/// runtime is idle, so the render waits on a wake-up that never comes). Seen on both
/// engines, and without the template databases too (an import per test, so less overlap:
/// 1 such run of 8 hung). Until it is understood the suite runs with `--test-threads=1`;
/// this reproduces it (`-- --ignored`: 6 runs of 8 failed on the 2-core machine).
#[test]
#[ignore = "known hang when another runtime in the process stops; see the comment"]
fn runtimes_that_start_and_stop_beside_a_busy_one() {
    let threads: Vec<_> = (0..2)
        .map(|n| {
            std::thread::spawn(move || {
                let mut stuck = Vec::new();
                for round in 0..25 {
                    let rt = tokio::runtime::Builder::new_multi_thread()
                        .worker_threads(2)
                        .enable_all()
                        .build()
                        .expect("runtime");
                    rt.block_on(async {
                        let app = common::TestApp::spawn(common::Engine::Sqlite).await;
                        for (i, q) in ["lantern", "heart", "cutlery", "candle"].iter().enumerate() {
                            let path = format!("/search?q={q}&n={n}_{round}_{i}");
                            let res =
                                tokio::time::timeout(Duration::from_secs(20), app.get(&path)).await;
                            if res.is_err() {
                                stuck.push(path);
                            }
                        }
                    });
                }
                stuck
            })
        })
        .collect();
    let stuck: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("thread"))
        .collect();
    assert!(stuck.is_empty(), "never completed: {stuck:?}");
}
