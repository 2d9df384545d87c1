#!/usr/bin/env bash
# A/B of two release server binaries, for a change's before/after: figures, never
# assertions. Usage (from the repository root, after `cargo build --release -p server`
# of each commit, copying each binary aside):
#
#   bash xtask/ab.sh OLD_BINARY NEW_BINARY [ROUNDS=3] [DB=data/shop.db]
#
# Each round starts OLD then NEW (alternating, so drift of the shared machine hits both),
# each on its own copy of DB (a shop made by `cargo xtask serve`), and prints per binary:
# `/api/me/home` req/s for a guest with a cart (the home page's personal parts), the
# product page rendered with the page cache off (SHOP_PAGE_CACHE_SECS=0), and checkout end
# to end with 32 clients (xtask/bench_checkout.py, the median of its three runs). The
# server is pinned to core 0, wrk and the checkout client to core 1, as `cargo xtask
# bench` does. Report the median of the rounds per binary and their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$1
NEW=$2
ROUNDS=${3:-3}
DB=${4:-data/shop.db}
export LEPTOS_OUTPUT_NAME="${LEPTOS_OUTPUT_NAME:-storefront}" LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}" \
    LEPTOS_SITE_PKG_DIR="${LEPTOS_SITE_PKG_DIR:-pkg}"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
PRODUCT=/p/85123/white-hanging-heart-t-light-holder

run() { # binary label
    local dir pid sku guest home product checkout
    dir=$(mktemp -d)
    python3 -c "import sqlite3,sys; s=sqlite3.connect(sys.argv[1]); d=sqlite3.connect(sys.argv[2]); s.backup(d)" "$DB" "$dir/shop.db"
    DATABASE_URL="sqlite://$dir/shop.db" SHOP_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" \
        SHOP_PAGE_CACHE_SECS=0 RUST_LOG=error taskset -c 0 "$1" >"$dir/log" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do curl -fs -o /dev/null "$BASE/readyz" && break; sleep 1; done
    sleep 30 # a first training of the recommendations, if the copy has no model, settles
    sku=$(curl -fs "$BASE$PRODUCT" | grep -o 'name="sku" value="[^"]*"' | head -n1 | sed 's/.*value="//; s/"$//')
    guest=$(curl -fs -o /dev/null -D - -X POST "$BASE/api/cart/add" --data "sku=$sku" \
        | awk 'tolower($1)=="set-cookie:" {split($2,a,";"); printf "%s; ", a[1]}')
    home=$(taskset -c 1 wrk -t1 -c64 -d10s -H "Cookie: $guest" "$BASE/api/me/home" | awk '/^Requests\/sec:/ {print $2}')
    product=$(taskset -c 1 wrk -t1 -c64 -d10s "$BASE$PRODUCT" | awk '/^Requests\/sec:/ {print $2}')
    checkout=$(taskset -c 1 python3 xtask/bench_checkout.py "127.0.0.1:$PORT" "$dir/shop.db" 2>&1 \
        | awk '/32 client\(s\): median/ {print $4}')
    echo "$2 home-parts $home product-uncached $product checkout-32 $checkout"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    rm -rf "$dir"
}
for _ in $(seq 1 "$ROUNDS"); do
    run "$OLD" old
    run "$NEW" new
done
