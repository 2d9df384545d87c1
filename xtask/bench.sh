#!/usr/bin/env bash
# `cargo xtask bench`: figures, never assertions. Run by xtask after a release build, with
# the LEPTOS_* environment set. Prints, for `/`, a category page, a product page and a
# search: requests/s and p50/p99 latency at 64 connections, next to a bare axum route that
# serves the same page's HTML from memory (`server bench-baseline`), measured in the same
# run; then the hydrate WASM's size raw/gzip/brotli and the import time on SQLite; then
# checkout end to end on SQLite and PostgreSQL (xtask/bench_checkout.py: orders/s for one
# client and for 32, errors, and the flash run's oversell). Also the recommendations:
# training time on the full data, serving p50/p99 of a top-10, and the product page's
# render rate with the placements on and off (page cache off).
#
# The server is pinned to core 0 and wrk to core 1 (taskset), both on 127.0.0.1.
# Environment: BENCH_SECONDS (default 10 per measurement), BENCH_CONNECTIONS (default 64).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
SERVER=target/release/server
DATASET=server/data/online-retail-2010-12_2011-10.csv.gz
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() {
    for _ in $(seq 1 600); do
        curl -fs -o /dev/null "http://$1$2" && return 0
        sleep 0.2
    done
    echo "bench: $1 did not answer $2" >&2
    return 1
}

echo "== import (SQLite, full bundled dataset)"
start=$(date +%s.%N)
DATABASE_URL="sqlite://$WORK/shop.db" RUST_LOG=warn "$SERVER" import online-retail "$DATASET" \
    | tail -n 20
end=$(date +%s.%N)
IMPORT_SECONDS=$(python3 -c "print(f'{$end - $start:.1f}')")
echo "import: ${IMPORT_SECONDS} s"

echo
echo "== recommendations: training on the full data (with its held-out check), then serving"
start=$(date +%s.%N)
DATABASE_URL="sqlite://$WORK/shop.db" RUST_LOG=warn "$SERVER" recs train
end=$(date +%s.%N)
echo "server recs train: $(python3 -c "print(f'{$end - $start:.1f}')") s in all (loading the history included)"
DATABASE_URL="sqlite://$WORK/shop.db" RUST_LOG=warn taskset -c 0 "$SERVER" recs bench

PORT=$(free_port)
ADDR="127.0.0.1:$PORT"
SHOP_ADDR="$ADDR" DATABASE_URL="sqlite://$WORK/shop.db" RUST_LOG=warn \
    taskset -c 0 "$SERVER" >"$WORK/server.log" 2>&1 &
PIDS+=($!)
wait_ready "$ADDR" /readyz

# Pages: the biggest category, a bestselling product with variants, a typo'd search.
CATEGORY=$(curl -fs "http://$ADDR/" | grep -o 'href="/c/[a-z0-9-]*"' | head -n1 | sed 's/href="//; s/"$//')
PRODUCT=$(curl -fs "http://$ADDR$CATEGORY?sort=bestselling" | grep -o 'href="/p/[^"]*"' | head -n1 | sed 's/href="//; s/"$//')
SEARCH="/search?q=lantren"
declare -A PAGES=([home]="/" [category]="$CATEGORY" [product]="$PRODUCT" [search]="$SEARCH")
ORDER=(home category product search)

mkdir -p "$WORK/pages"
for name in "${ORDER[@]}"; do
    curl -fs "http://$ADDR${PAGES[$name]}" -o "$WORK/pages/$name.html"
done
BPORT=$(free_port)
BADDR="127.0.0.1:$BPORT"
taskset -c 0 "$SERVER" bench-baseline "$BADDR" "$WORK/pages" >"$WORK/baseline.log" 2>&1 &
PIDS+=($!)
wait_ready "$BADDR" /home

# wrk's --latency report: "Requests/sec:" and the 50%/99% lines of its distribution.
measure() {
    local url=$1 cookie=${2:-}
    if [ -n "$cookie" ]; then
        taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -H "Cookie: $cookie" "$url" >"$WORK/wrk.txt"
    else
        taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$url" >"$WORK/wrk.txt"
    fi
    local rps p50 p99 errors
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.txt")
    p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk.txt")
    p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.txt")
    errors=$(awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' "$WORK/wrk.txt")
    echo "$rps $p50 $p99 ${errors:-}"
}

echo
echo "== HTTP at $CONNECTIONS connections, ${SECONDS_PER_RUN}s each (server: core 0, wrk: core 1)"
printf '%-9s %-46s %10s %9s %9s | %10s %9s %9s | %6s\n' page path "req/s" p50 p99 "base req/s" "base p50" "base p99" ratio
for name in "${ORDER[@]}"; do
    curl -fs -o /dev/null "http://$ADDR${PAGES[$name]}" # warm
    read -r rps p50 p99 err < <(measure "http://$ADDR${PAGES[$name]}")
    read -r brps bp50 bp99 berr < <(measure "http://$BADDR/$name")
    ratio=$(python3 -c "print(f'{$rps / $brps:.2f}')")
    printf '%-9s %-46s %10s %9s %9s | %10s %9s %9s | %6s\n' "$name" "${PAGES[$name]:0:46}" "$rps" "$p50" "$p99" "$brps" "$bp50" "$bp99" "$ratio"
    [ -n "$err" ] && echo "   ours: $err"
    [ -n "$berr" ] && echo "   baseline: $berr"
done

# The same pages for a guest who has a cart (and the event stream's `gid`), with and
# without JavaScript (with it, the shared cached page; the home page's script then asks
# for "For you" and "Recently viewed", `/api/me/home`, on every view, so a home view costs
# 1 / (1/page + 1/home parts), printed as "+ parts"), for a signed-in member whose browser
# runs scripts (the shared page; the page script asks for their header parts once per tab
# and again after a POST form, so a view while browsing costs the page alone, and the
# first view of a tab 1 / (1/page + 1/parts), both printed), and for a member without
# JavaScript (product, category and search pages: the shared copy with their parts put
# in by the server; the home page: a full render), against the same baseline.
SKU=$(curl -fs "http://$ADDR${PAGES[product]}" | grep -o 'name="sku" value="[^"]*"' | head -n1 | sed 's/.*value="//; s/"$//')
GUEST=$(curl -fs -o /dev/null -D - -X POST "http://$ADDR/api/cart/add" \
    -H 'Content-Type: application/x-www-form-urlencoded' --data "sku=$SKU" \
    | awk 'tolower($1)=="set-cookie:" {split($2,a,";"); printf "%s; ", a[1]}')
MEMBER=$(curl -fs -o /dev/null -D - -X POST "http://$ADDR/api/account/register" \
    -H 'Content-Type: application/x-www-form-urlencoded' -H 'Accept: text/html' \
    --data "email=bench-$$%40example.com&password=lantern+moss+kettle+42&name=Bench" \
    | awk 'tolower($1)=="set-cookie:" && $2 ~ /^sid=/ {split($2,a,";"); print a[1]}')
echo
echo "== as a guest with a cart (${GUEST:-no cookie}) and as a signed-in member (with and without JavaScript)"
printf '%-24s %10s %9s %9s | %10s | %6s\n' "page, who" "req/s" p50 p99 "base req/s" ratio
read -r parts_rps pp50 pp99 perr < <(measure "http://$ADDR/api/me/parts" "$MEMBER; js=1; member=1")
printf '%-24s %10s %9s %9s\n' "/api/me/parts, member" "$parts_rps" "$pp50" "$pp99"
[ -n "$perr" ] && echo "   ours: $perr"
read -r hparts_rps hp50 hp99 hperr < <(measure "http://$ADDR/api/me/home" "${GUEST}js=1")
printf '%-24s %10s %9s %9s\n' "/api/me/home, guest" "$hparts_rps" "$hp50" "$hp99"
[ -n "$hperr" ] && echo "   ours: $hperr"
for name in home product; do
    read -r brps bp50 bp99 berr < <(measure "http://$BADDR/$name")
    for who in guest-js guest-nojs member-js member-nojs; do
        case $who in
            guest-js) cookie="${GUEST}js=1" ;;
            guest-nojs) cookie=$GUEST ;;
            member-js) cookie="$MEMBER; js=1; member=1" ;;
            *) cookie=$MEMBER ;;
        esac
        read -r rps p50 p99 err < <(measure "http://$ADDR${PAGES[$name]}" "$cookie")
        ratio=$(python3 -c "print(f'{$rps / $brps:.3f}')")
        printf '%-24s %10s %9s %9s | %10s | %6s\n' "$name, $who" "$rps" "$p50" "$p99" "$brps" "$ratio"
        [ -n "$err" ] && echo "   ours: $err"
        if [ "$name" = home ] && [ "${who%-js}" != "$who" ]; then
            view=$(python3 -c "print(f'{1 / (1 / $rps + 1 / $hparts_rps):.0f}')")
            ratio=$(python3 -c "print(f'{$view / $brps:.3f}')")
            printf '%-24s %10s %9s %9s | %10s | %6s\n' "$name, $who + parts" "$view" "-" "-" "$brps" "$ratio"
        fi
        if [ "$who" = member-js ] && [ "$name" = product ]; then
            view=$(python3 -c "print(f'{1 / (1 / $rps + 1 / $parts_rps):.0f}')")
            ratio=$(python3 -c "print(f'{$view / $brps:.3f}')")
            printf '%-24s %10s %9s %9s | %10s | %6s\n' "$name, member-js 1st view" "$view" "-" "-" "$brps" "$ratio"
        fi
    done
done

# What the placements cost a product page's render: the page cache off (every request a
# full render), the same product page with the placements on and off, three rounds
# alternating on and off (one pair alone swung from 0.69 to 0.98 between runs on this
# shared machine), and the ratio of the medians.
echo
echo "== product page render with the placements on and off (page cache off; 3 rounds, alternating)"
printf '%-14s %10s %9s %9s\n' placements "req/s" p50 p99
declare -A RENDER=([on]="" [off]="")
for state in on off on off on off; do
    RPORT=$(free_port)
    RADDR="127.0.0.1:$RPORT"
    SHOP_ADDR="$RADDR" DATABASE_URL="sqlite://$WORK/shop.db" SHOP_PAGE_CACHE_SECS=0 SHOP_RECS_PLACEMENTS=$state RUST_LOG=warn \
        taskset -c 0 "$SERVER" >"$WORK/server-recs-$state.log" 2>&1 &
    RPID=$!
    wait_ready "$RADDR" /readyz
    curl -fs -o /dev/null "http://$RADDR${PAGES[product]}"
    read -r rps p50 p99 err < <(measure "http://$RADDR${PAGES[product]}")
    RENDER[$state]="${RENDER[$state]} $rps"
    printf '%-14s %10s %9s %9s\n' "$state" "$rps" "$p50" "$p99"
    [ -n "$err" ] && echo "   ours: $err"
    kill "$RPID" 2>/dev/null || true
    wait "$RPID" 2>/dev/null || true
done
python3 - "${RENDER[on]}" "${RENDER[off]}" <<'PY'
import statistics, sys
on, off = ([float(x) for x in arg.split()] for arg in sys.argv[1:3])
print(f"placements on / off: {statistics.median(on) / statistics.median(off):.3f} "
      f"(medians {statistics.median(on):.1f} / {statistics.median(off):.1f} req/s)")
PY

echo
echo "== hydrate bundle"
WASM=$(ls target/site/pkg/*.wasm | head -n1)
raw=$(stat -c %s "$WASM")
gz=$(gzip -9 -c "$WASM" | wc -c)
br=$(brotli -c -q 11 "$WASM" | wc -c) # xtask installs Debian's brotli with wrk
echo "$WASM: raw $raw B, gzip -9 $gz B, brotli -q11 $br B"
echo "import: ${IMPORT_SECONDS} s"

echo
echo "== SQLite, group commit (the default: SHOP_SQLITE_SYNCHRONOUS=group)"
taskset -c 1 python3 xtask/bench_checkout.py "$ADDR" "$WORK/shop.db"

# The same run against SQLite's own per-commit fsync, on the same file, for the ratio.
kill "${PIDS[0]}" 2>/dev/null || true
wait "${PIDS[0]}" 2>/dev/null || true
FPORT=$(free_port)
FADDR="127.0.0.1:$FPORT"
SHOP_ADDR="$FADDR" DATABASE_URL="sqlite://$WORK/shop.db" SHOP_SQLITE_SYNCHRONOUS=full RUST_LOG=warn \
    taskset -c 0 "$SERVER" >"$WORK/server-full.log" 2>&1 &
PIDS+=($!)
wait_ready "$FADDR" /readyz
echo
echo "== SQLite, SHOP_SQLITE_SYNCHRONOUS=full (an fsync inside every commit), for comparison"
taskset -c 1 python3 xtask/bench_checkout.py "$FADDR" "$WORK/shop.db"

if [ -n "${BENCH_POSTGRES_URL:-}" ]; then
    echo
    echo "== PostgreSQL: import, then the same checkout run"
    SHOP_PUBLIC_URL=http://127.0.0.1 DATABASE_URL="$BENCH_POSTGRES_URL" RUST_LOG=warn "$SERVER" import online-retail "$DATASET" | tail -n 3
    PGPORT_HTTP=$(free_port)
    PGADDR="127.0.0.1:$PGPORT_HTTP"
    SHOP_ADDR="$PGADDR" SHOP_PUBLIC_URL="http://$PGADDR" DATABASE_URL="$BENCH_POSTGRES_URL" SHOP_SEED=off RUST_LOG=warn \
        taskset -c 0 "$SERVER" >"$WORK/server-pg.log" 2>&1 &
    PIDS+=($!)
    wait_ready "$PGADDR" /readyz
    taskset -c 1 python3 xtask/bench_checkout.py "$PGADDR" "$BENCH_POSTGRES_URL"
fi
