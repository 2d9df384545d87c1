#!/usr/bin/env bash
# Figures, never assertions: the server's peak memory while many shoppers register at
# once, for several SHOP_HASH_CONCURRENCY values. Each registration hashes a password
# with argon2id (19 MiB of working memory).
#
# Usage, after a release build (`cargo xtask serve` or `cargo leptos build --release`), with
# the LEPTOS_* environment of xtask's `leptos_env()`:
#   xtask/hash-memory.sh [requests-at-once (40)] [concurrency values (1 2 8 40)]
# Prints per value: the resident set before, the peak (VmHWM) and after, in KiB. The
# server runs on 127.0.0.1 on a fresh SQLite database in a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-40}"
VALUES="${2:-1 2 8 40}"
SERVER=target/release/server
PORT=39391
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ready() {
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$PORT/readyz)" = 200 ] && return 0
    sleep 0.2
  done
  echo "the server did not become ready" >&2; return 1
}

# One database seeded by a first start (the bundled data), copied for each value.
SHOP_ADDR=127.0.0.1:$PORT DATABASE_URL="sqlite://$TMP/seed.db" SHOP_MAIL_DIR="$TMP/mail" \
  "$SERVER" >"$TMP/log" 2>&1 &
PID=$!
ready
kill "$PID"; wait "$PID" 2>/dev/null || true

for C in $VALUES; do
  sqlite3 "$TMP/seed.db" ".backup '$TMP/shop.db'" 2>/dev/null || cp "$TMP/seed.db" "$TMP/shop.db"
  SHOP_ADDR=127.0.0.1:$PORT DATABASE_URL="sqlite://$TMP/shop.db" SHOP_MAIL_DIR="$TMP/mail" \
    SHOP_REGISTER_PER_HOUR=1000000 SHOP_HASH_CONCURRENCY=$C SHOP_SEED=0 \
    "$SERVER" >"$TMP/log" 2>&1 &
  PID=$!
  ready
  for p in / /account/register; do curl -s -o /dev/null "http://127.0.0.1:$PORT$p"; done
  BEFORE=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
  CODES=$(seq 1 "$N" | xargs -P "$N" -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST \
    "http://127.0.0.1:$PORT/api/account/register" --data-urlencode "name=Bench {}" \
    --data-urlencode "email=bench{}-$C@example.com" \
    --data-urlencode "password=correct horse battery staple {}" | sort | uniq -c | tr -s ' \n' ' ')
  PEAK=$(awk '/VmHWM/ {print $2}' /proc/$PID/status)
  AFTER=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
  echo "SHOP_HASH_CONCURRENCY=$C: $N registrations at once (status counts:$CODES) rss_before=${BEFORE} KiB peak=${PEAK} KiB after=${AFTER} KiB"
  kill "$PID"; wait "$PID" 2>/dev/null || true
  rm -f "$TMP/shop.db" "$TMP"/shop.db-*
done
