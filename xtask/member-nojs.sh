#!/usr/bin/env bash
# The product page for a signed-in member without JavaScript (the shared copy with their
# parts stitched in), with JavaScript, a guest, and the same member's page rendered for
# them (another cookie forces the render: what a member without JavaScript got before),
# against the static baseline (`server bench-baseline`), three rounds in turn, 64
# connections, 10 s each. Needs a shop already serving on 127.0.0.1:3000 (`cargo xtask
# serve`, or target/release/server with RUST_LOG=warn) and wrk; registers a member.
# Nothing is pinned to a core: compare the ratios within one round.
set -u
A=127.0.0.1:3000; B=127.0.0.1:3998; W=$(mktemp -d); mkdir -p $W/pages
cd "$(dirname "$0")/.."
CATEGORY=$(curl -fs "http://$A/" | grep -o 'href="/c/[a-z0-9-]*"' | head -n1 | sed 's/href="//; s/"$//')
PRODUCT=$(curl -fs "http://$A$CATEGORY?sort=bestselling" | grep -o 'href="/p/[^"]*"' | head -n1 | sed 's/href="//; s/"$//')
echo "product $PRODUCT"
curl -fs "http://$A$PRODUCT" -o $W/pages/product.html
target/release/server bench-baseline $B $W/pages > $W/base.log 2>&1 &
BP=$!
sleep 1
MEMBER=$(curl -fs -o /dev/null -D - -X POST "http://$A/api/account/register" -H 'Content-Type: application/x-www-form-urlencoded' -H 'Accept: text/html' --data "email=m-$$%40example.com&password=lantern+moss+kettle+42&name=M" | awk 'tolower($1)=="set-cookie:" && $2 ~ /^sid=/ {split($2,a,";"); print a[1]}')
ID=$(echo $PRODUCT | cut -d/ -f3)
curl -fs -o /dev/null -X POST "http://$A/api/wishlist/toggle" -H "Cookie: $MEMBER" --data "product=$ID"
curl -s -D - -o $W/m.html -H "Cookie: $MEMBER" "http://$A$PRODUCT" | grep -i "x-member-parts\|x-cache"
grep -c 'aria-pressed="true"' $W/m.html
m() { wrk -t1 -c64 -d10s ${2:+-H "Cookie: $2"} "$1" | awk '/^Requests\/sec:/ {print $2}'; }
for r in 1 2 3; do
  b=$(m "http://$B/product"); nj=$(m "http://$A$PRODUCT" "$MEMBER"); js=$(m "http://$A$PRODUCT" "$MEMBER; js=1; member=1"); g=$(m "http://$A$PRODUCT"); f=$(m "http://$A$PRODUCT" "$MEMBER; other=1")
  echo "round $r: base $b member-nojs $nj ($(python3 -c "print(f'{$nj/$b:.3f}')")) member-js $js ($(python3 -c "print(f'{$js/$b:.3f}')")) guest $g ($(python3 -c "print(f'{$g/$b:.3f}')")) full-render $f ($(python3 -c "print(f'{$f/$b:.3f}')")); stitched/full $(python3 -c "print(f'{$nj/$f:.1f}')")"
done
kill $BP
