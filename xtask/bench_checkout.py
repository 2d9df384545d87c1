#!/usr/bin/env python3
"""`cargo xtask bench`, checkout part: figures, never assertions.

Usage: bench_checkout.py <addr> <sqlite-file | postgres-url>

Against a running server (the shop's own test payment provider inside it), on a variant
given ample stock first:
  1. one client in sequence, then 32 concurrent clients (three runs of each, and their
     median), each order end to end: add to a
     fresh guest cart -> place the order -> pay with 4242 (the provider's hosted-page
     form) -> the provider's signed webhook -> paid. Orders/s is paid orders over the
     time from the first request until the last of them is paid (read from the
     database), with the count of requests that did not answer 2xx;
  2. the flash run: 1,000 buyers, each with one unit in a cart, place at once for a
     variant with 100 units: how many got an order, how many were refused, errors, and
     the oversell (units held or allocated beyond the 100; the database's CHECK
     constraints make anything but 0 impossible, this counts it anyway).
Plain asyncio over raw HTTP/1.1 (no third-party module).
"""
import asyncio
import json
import sys
import time


ADDR = sys.argv[1]
DB = sys.argv[2]
HOST, PORT = ADDR.rsplit(":", 1)


def sql(query, params=()):
    """Runs one statement on the shop's database (SQLite file or PostgreSQL via psql)."""
    if DB.startswith("postgres"):
        import subprocess

        for p in params:
            query = query.replace("?", "'" + str(p).replace("'", "''") + "'", 1)
        out = subprocess.run(["psql", DB, "-tA", "-c", query], capture_output=True, text=True, check=True)
        return [tuple(line.split("|")) for line in out.stdout.strip().splitlines() if line]
    import sqlite3

    con = sqlite3.connect(DB, timeout=30)
    try:
        rows = con.execute(query, params).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def give_stock(sku, units):
    """Sets the warehouse's on-hand of `sku` to `units` more than it has allocated and
    held, through the ledger (an `adjusted` row)."""
    row = sql("SELECT on_hand, allocated, held FROM stock_levels WHERE location_id = 'warehouse' AND sku = ?", (sku,))
    on_hand, allocated, held = (int(x) for x in row[0])
    other = sql("SELECT COALESCE(SUM(on_hand - allocated - held), 0) FROM stock_levels WHERE sku = ? AND location_id <> 'warehouse'", (sku,))
    target = units + allocated + held - int(other[0][0])
    if target < allocated + held:
        target = allocated + held
    delta = target - on_hand
    if delta:
        sql("UPDATE stock_levels SET on_hand = ? WHERE location_id = 'warehouse' AND sku = ?", (target, sku))
        sql(
            "INSERT INTO stock_movements (location_id, sku, delta, reason, actor, note, created_at) "
            "VALUES ('warehouse', ?, ?, 'adjusted', 'bench', 'cargo xtask bench', 0)",
            (sku, delta),
        )


async def request(method, path, body="", cookie=""):
    reader, writer = await asyncio.open_connection(HOST, int(PORT))
    head = f"{method} {path} HTTP/1.1\r\nHost: {ADDR}\r\nConnection: close\r\n"
    if cookie:
        head += f"Cookie: {cookie}\r\n"
    if method == "POST":
        head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body.encode())}\r\n"
    writer.write((head + "\r\n" + body).encode())
    await writer.drain()
    raw = await reader.read()
    writer.close()
    text = raw.decode("utf-8", "replace")
    status = int(text.split(" ", 2)[1]) if text.startswith("HTTP/") else 0
    headers, _, payload = text.partition("\r\n\r\n")
    return status, headers, payload


def cart_cookie(headers):
    for line in headers.split("\r\n"):
        if line.lower().startswith("set-cookie: cart="):
            return "cart=" + line.split("=", 1)[1].split(";", 1)[0]
    return ""


FORM = "email=bench%40example.com&name=Bench&line1=1+High+St&city=London&postcode=SW1A+1AA&country=GB&method=standard"


async def one_order(sku, key, errors):
    status, headers, _ = await request("POST", "/api/cart/add", f"sku={sku}&quantity=1")
    if status != 200:
        errors.append(("add", status))
        return None
    cookie = cart_cookie(headers)
    status, _, payload = await request("POST", "/api/checkout/place", f"key={key}&{FORM}", cookie)
    if status != 200:
        errors.append(("place", status))
        return None
    placed = json.loads(payload)
    intent = placed["pay_url"].rsplit("/", 1)[1]
    status, _, _ = await request("POST", "/api/pay/card", f"intent={intent}&number=4242424242424242&expiry=12%2F35&cvc=123")
    if status != 200:
        errors.append(("pay", status))
        return None
    return placed["order"]


def paid_count(numbers):
    if not numbers:
        return 0
    marks = ",".join("?" for _ in numbers)
    return int(sql(f"SELECT COUNT(*) FROM orders WHERE payment_status = 'paid' AND number IN ({marks})", tuple(numbers))[0][0])


async def run_clients(sku, clients, per_client, tag):
    errors, numbers = [], []
    start = time.monotonic()

    async def client(c):
        for i in range(per_client):
            n = await one_order(sku, f"bench-{tag}-{c}-{i}-{time.time_ns()}", errors)
            if n:
                numbers.append(n)

    await asyncio.gather(*(client(c) for c in range(clients)))
    # Until the provider's webhooks have made every one of them paid (at most 60 s).
    deadline = time.monotonic() + 60
    while paid_count(numbers) < len(numbers) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    elapsed = time.monotonic() - start
    paid = paid_count(numbers)
    return paid, elapsed, len(errors), errors[:3]


async def flash(sku, buyers, units):
    give_stock(sku, units)
    carts = []
    for _ in range(buyers):
        status, headers, _ = await request("POST", "/api/cart/add", f"sku={sku}&quantity=1")
        carts.append(cart_cookie(headers) if status == 200 else "")
    start = time.monotonic()

    async def buy(i, cookie):
        if not cookie:
            return "no-cart"
        try:
            status, _, _ = await request("POST", "/api/checkout/place", f"key=flash-{i}-{time.time_ns()}&{FORM}", cookie)
        except OSError:
            return "connection"
        return status

    results = await asyncio.gather(*(buy(i, c) for i, c in enumerate(carts)))
    elapsed = time.monotonic() - start
    won = sum(1 for r in results if r == 200)
    refused = sum(1 for r in results if r == 400)
    errors = len(results) - won - refused
    row = sql("SELECT COALESCE(SUM(on_hand), 0), COALESCE(SUM(allocated + held), 0) FROM stock_levels WHERE sku = ?", (sku,))
    on_hand, taken = int(row[0][0]), int(row[0][1])
    return won, refused, errors, max(0, taken - on_hand), elapsed


async def main():
    skus = [r[0] for r in sql("SELECT sku FROM skus WHERE price_pence > 0 ORDER BY sku LIMIT 2")]
    steady, flashy = skus[0], skus[1]
    give_stock(steady, 1_000_000)
    print(f"== checkout end to end ({'PostgreSQL' if DB.startswith('postgres') else 'SQLite'}): add -> place -> pay 4242 -> webhook -> paid")
    # Three runs of each (the machine is shared and a run is short): each run's figure and
    # their median.
    for clients, per in ((1, 60), (32, 30)):
        rates = []
        for run in range(3):
            paid, elapsed, errors, sample = await run_clients(steady, clients, per, f"c{clients}r{run}")
            rates.append(paid / elapsed)
            print(f"{clients:>3} client(s), run {run + 1}: {paid} orders paid in {elapsed:.2f} s = {paid / elapsed:.1f} orders/s, {errors} errors {sample if sample else ''}")
        print(f"{clients:>3} client(s): median {sorted(rates)[1]:.1f} orders/s")
    won, refused, errors, oversold, elapsed = await flash(flashy, 1000, 100)
    print(f"flash: 1000 buyers for 100 units: {won} orders, {refused} refused, {errors} errors, {oversold} oversold ({elapsed:.2f} s)")


asyncio.run(main())
