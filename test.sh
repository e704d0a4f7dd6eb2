#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: starts its own PostgreSQL (its own folder, a free
# port), builds, runs every test (domain, grains, API, end to end), and stops PostgreSQL again.
#
#   ./test.sh                  everything
#   ./test.sh --filter EXPR    only tests matching a dotnet test filter (for working locally)
set -euo pipefail

repo=$(cd "$(dirname "$0")" && pwd)
cd "$repo"
export RECT_PG_DIR="$repo/.data/test-pg"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# A fresh port each run, so this run cannot collide with another on the same machine.
rm -f "$RECT_PG_DIR/port"
deploy/pg.sh start
trap 'deploy/pg.sh stop' EXIT
export RECT_TEST_PG
RECT_TEST_PG="$(deploy/pg.sh url)"

# The portal's browser tests drive Debian's Chromium through its ChromeDriver: install them when missing.
# A Chinese font too, so the screenshots the test keeps under docs/portal read as the users see them.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then
  echo "Installing chromium, chromium-driver and fonts-wqy-microhei (Debian packages) for the portal's browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium chromium-driver fonts-wqy-microhei >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver fonts-wqy-microhei >/dev/null; }
fi

dotnet build Grains.sln -c Release -nologo -v q -clp:ErrorsOnly
# A test that hangs is killed after 10 minutes and named, instead of running into CI's own limit.
dotnet test tests/Rectification.Tests/Rectification.Tests.csproj -c Release --no-build -nologo \
  --blame-hang-timeout 600s --blame-hang-dump-type none \
  --logger "console;verbosity=normal" "$@"
