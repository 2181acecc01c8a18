#!/bin/sh
# Runs the crawl benchmark described in bench/README.md. Flags go to
# bench/crawl, for example:
#
#   bench/crawl.sh -runs 3 -profile-dir /tmp/crawl-prof
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/crawlbench" ./bench/crawl
"$tmp/crawlbench" -mode all "$@"
