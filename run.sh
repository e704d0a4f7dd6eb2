#!/usr/bin/env bash
# Runs the whole system locally: PostgreSQL, one silo, one API, the real region loaded.
# Prints the URLs and an admin token; Ctrl-C stops everything, PostgreSQL included.
#
#   ./run.sh              build (incrementally) and run
#   ./run.sh --no-build   run what is already built (the end-to-end test uses this after test.sh built it)
#   ./run.sh --silos 3    a scaled run: three silo processes on loopback sharing one database
#   ./run.sh --demo       also bring in seed 000's 1,129 lagging gacha-villages as open cases (to try the portal)
#   ./run.sh --cohosted   the first silo serves the API itself, on the API port: no API process, no
#                         client hop (the single-machine layout, docs/scaling.md)
#
# RECT_DATA_DIR  state folder (default .data: the database, the signing key, logs)
# RECT_API_PORT  API port (default 5080); the silo's ports are picked free unless RECT_SILO_* are set
# RECT_DASHBOARD the Orleans dashboard on the silo's loopback port (default true; false runs the silo as deployed)
# RECT_PG_HUGE_PAGES  PostgreSQL's shared memory on huge pages (deploy/pg.sh)
# RECT_SILO_HEAP_HUGE_PAGES_MB  N: each silo's GC heap on 2 MiB huge pages, at most N MiB (the heap's
#                hard limit: a silo that needs more fails with OutOfMemory), reserved at start and given
#                back at stop, as root (docs/operations.md); otherwise ordinary pages, and it says so
set -euo pipefail

repo=$(cd "$(dirname "$0")" && pwd)
cd "$repo"
data=${RECT_DATA_DIR:-$repo/.data}
api_port=${RECT_API_PORT:-5080}
config=Release
mkdir -p "$data/logs"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Ports are picked below the kernel's ephemeral range (outgoing connections take theirs from it, and
# one in TIME-WAIT would pass the free test and then fail the bind), so nothing else can hold them.
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
[ "$ephemeral_low" -gt 11000 ] 2>/dev/null || ephemeral_low=32768
pick_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 10000 + RANDOM % (ephemeral_low - 10000) ))
    if port_free "$p"; then echo "$p"; return; fi
  done
  echo "no free port" >&2; exit 1
}

build=1
demo=0
cohosted=${RECT_COHOSTED:-0}
silos=${RECT_SILOS:-1}
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --silos) silos=$2; shift ;;
    --demo) demo=1 ;;
    --cohosted) cohosted=1 ;;
    *) echo "usage: $0 [--no-build] [--silos N] [--demo] [--cohosted]" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "${RECT_SILO_HEAP_HUGE_PAGES_MB:-}" ] && ! [[ "$RECT_SILO_HEAP_HUGE_PAGES_MB" =~ ^[1-9][0-9]*$ ]]; then
  echo "RECT_SILO_HEAP_HUGE_PAGES_MB must be a number of MiB, not '$RECT_SILO_HEAP_HUGE_PAGES_MB'" >&2; exit 2
fi

if [ "$build" = 1 ]; then
  echo "Building ($config)..." >&2
  dotnet build Silo/Rectification.Silo.csproj -c $config -nologo -v q -clp:ErrorsOnly   # builds the API too (the silo can co-host it)
fi

port_free "$api_port" || { echo "Port $api_port is in use (set RECT_API_PORT)" >&2; exit 1; }

# Child processes by name (silo, silo-2, ..., api): run.sh supervises them like an orchestrator would.
declare -A pid_of=() started_at=() quick_deaths=()
cleanup() {
  trap - INT TERM EXIT
  echo "Stopping..." >&2
  for pid in "${pid_of[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pid_of[@]}"; do wait "$pid" 2>/dev/null || true; done
  RECT_PG_DIR="$data/pg" deploy/pg.sh stop
  deploy/hugepages.sh release "$data/silo-huge-pages"
  exit "${1:-0}"
}
trap 'cleanup 0' INT TERM
trap 'cleanup $?' EXIT

RECT_PG_DIR="$data/pg" deploy/pg.sh start

# The silos' heaps on huge pages: the memory sampler of some kernels (kdamond) stalls a core twice a
# second walking ordinary pages, and skips these (docs/benchmarks.md, session 22). The pages for every
# silo are reserved up front: a silo that run.sh restarts after a crash maps them again.
silo_heap=()
if [ -n "${RECT_SILO_HEAP_HUGE_PAGES_MB:-}" ]; then
  deploy/hugepages.sh release "$data/silo-huge-pages"   # left by a run that was not stopped
  mapfile -t silo_heap < <(deploy/hugepages.sh heap "$RECT_SILO_HEAP_HUGE_PAGES_MB" "$silos" "$data/silo-huge-pages")
  [ ${#silo_heap[@]} -gt 0 ] || echo "No huge pages could be reserved for the silos' heaps (needs root and free memory); ordinary pages" >&2
fi
export ConnectionStrings__Rectification
ConnectionStrings__Rectification=$(cat "$data/pg/url")

# The signing key is generated once per data folder and never committed.
if [ ! -f "$data/signing.key" ]; then
  head -c 48 /dev/urandom | base64 -w0 > "$data/signing.key"
  chmod 600 "$data/signing.key"
fi

# The silo keeps its ports from one start to the next: a silo that comes back on the same endpoint
# supersedes its crashed predecessor in the membership table instead of waiting for it to be voted dead.
reuse_port() {
  local file="$data/$1.port" p
  p=$(cat "$file" 2>/dev/null || true)
  if [ -z "$p" ] || [ "$p" -ge "$ephemeral_low" ] || ! port_free "$p"; then p=$(pick_port); fi
  echo "$p" > "$file"
  echo "$p"
}
start_silo() {
  local n=$1 suffix="" http_port silo_port gateway_port metrics_port
  if [ "$n" != 1 ]; then suffix="-$n"; fi
  http_port=$(reuse_port "silo$suffix-http")
  metrics_port=$(reuse_port "silo$suffix-metrics")
  silo_port=$(reuse_port "silo$suffix")
  gateway_port=$(reuse_port "gateway$suffix")
  [ "$n" = 1 ] && http_port=${RECT_SILO_HTTP_PORT:-$http_port}
  local cohost=()
  if [ "$n" = 1 ] && [ "$cohosted" = 1 ]; then
    http_port=$api_port
    cohost=(Api__CoHosted=true Auth__SigningKey="$(cat "$data/signing.key")" Auth__DevTokens=true)
  fi
  env "${cohost[@]}" "${silo_heap[@]}" Orleans__SiloPort=$silo_port Orleans__GatewayPort=$gateway_port Urls="http://127.0.0.1:$http_port" Dashboard__Enabled=${RECT_DASHBOARD:-true} \
    Metrics__Port=$metrics_port \
    dotnet "Silo/bin/$config/net10.0/Rectification.Silo.dll" --contentRoot "$repo/Silo/bin/$config/net10.0" \
    >>"$data/logs/silo$suffix.log" 2>&1 &
  pid_of[silo$suffix]=$!
  started_at[silo$suffix]=$SECONDS
  echo $! > "$data/silo$suffix.pid"
  started_http=$http_port
  started_metrics=$metrics_port
}
start_api() {
  api_metrics=$(reuse_port "api-metrics")
  Auth__SigningKey=$(cat "$data/signing.key") Auth__DevTokens=true Urls="http://127.0.0.1:$api_port" Metrics__Port=$api_metrics \
    dotnet "Api/bin/$config/net10.0/Rectification.Api.dll" --contentRoot "$repo/Api/bin/$config/net10.0" >>"$data/logs/api.log" 2>&1 &
  pid_of[api]=$!
  started_at[api]=$SECONDS
  echo $! > "$data/api.pid"
}

wait_ready() {
  local url=$1 name=$2 pid=$3
  for _ in $(seq 1 180); do
    if curl -fsS "$url" >/dev/null 2>&1; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { echo "$name exited; see $data/logs" >&2; tail -n 40 "$data/logs/$name.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "$name not ready after 90 s; see $data/logs/$name.log" >&2; exit 1
}
rm -f "$data/logs/"*.log   # each start logs afresh; restarts append
start_silo 1
silo_http=$started_http
silo_metrics=$started_metrics
wait_ready "http://127.0.0.1:$silo_http/health/ready" silo "${pid_of[silo]}"
for n in $(seq 2 "$silos"); do
  start_silo "$n"
  wait_ready "http://127.0.0.1:$started_http/health/ready" "silo-$n" "${pid_of[silo-$n]}"
done

if [ "$cohosted" = 1 ]; then
  metrics="http://127.0.0.1:$silo_metrics/metrics (silo, with the API)"
else
  start_api
  wait_ready "http://127.0.0.1:$api_port/health/ready" api "${pid_of[api]}"
  metrics="http://127.0.0.1:$api_metrics/metrics (API)   http://127.0.0.1:$silo_metrics/metrics (silo)"
fi

api="http://127.0.0.1:$api_port"
token=$(curl -fsS -X POST "$api/api/v1/dev/tokens" -H 'Content-Type: application/json' \
  -d '{"sub":"admin","unit":"150000000000","role":"admin"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')

# Demo cases (--demo): seed 000's distribution — 321 organizationally weak, 90 chaotic finances, 560
# economically backward, 158 with prominent conflicts — on every ninth rural village, imported through
# the API like any spreadsheet. The same file again changes nothing, so a second --demo run is harmless.
if [ "$demo" = 1 ]; then
  awk -F, 'NR > 1 && $3 == "village" && ($2 ~ /嘎查/ || $2 ~ /村/) && $2 !~ /社区|居委会/ { if (n++ % 9 == 0) print $1 }' \
      deploy/data/inner-mongolia-divisions.csv | head -n 1129 \
    | awk 'BEGIN { print "代码,状态,软弱涣散情形,后进类别,列入台账日期,问题,问题对应情形,整顿措施,整顿目标,完成时限,责任人" }
           { i = NR - 1; l = i < 321 ? "L1" : i < 411 ? "L2" : i < 971 ? "L3" : "L4"; c = "C" (i % 6 + 1);
             printf "%s,open,%s,%s,2026-%02d-%02d,班子建设薄弱,%s,调整充实班子,班子坚强有力,2027-03-31,苏木乡镇党委\n", $1, c, l, 3 + i % 8, 1 + i % 27, c }' \
    > "$data/demo-cases.csv"
  curl -fsS -o /dev/null -X POST "$api/api/v1/cases/import" -H "Authorization: Bearer $token" \
    -F "file=@$data/demo-cases.csv;type=text/csv" && echo "Demo: $(($(wc -l < "$data/demo-cases.csv") - 1)) open cases imported"
fi

cat <<EOF
Ready.
  Portal     $api/   (sign in with the token below, or the trial form on the page)
  API        $api/api/v1/units/150000000000
  API docs   $api/docs   (OpenAPI: $api/openapi/v1.json)
  Silos      $silos (dashboard http://127.0.0.1:$silo_http/dashboard)
  Metrics    $metrics
  Logs       $data/logs
  Admin token for the whole region (12 h):
    $token
  Try: curl -H "Authorization: Bearer \$TOKEN" $api/api/v1/units/150000000000/children
Press Ctrl-C to stop.
EOF

# Stay up until told to stop. A silo or the API that dies (a crash, kill -9) is started again on the
# same ports, as an orchestrator would: a silo back on its old endpoint supersedes its dead
# predecessor in the membership table, and its grains reactivate from PostgreSQL. A process that
# keeps dying within seconds of its start is given up on, and everything stops.
while true; do
  dead=""
  wait -n -p dead "${pid_of[@]}" || true
  for name in "${!pid_of[@]}"; do
    [ "${pid_of[$name]}" = "$dead" ] || continue
    if (( SECONDS - started_at[$name] < 20 )); then quick_deaths[$name]=$(( ${quick_deaths[$name]:-0} + 1 )); else quick_deaths[$name]=0; fi
    if (( quick_deaths[$name] >= 3 )); then
      echo "$name keeps exiting right after its start; see $data/logs/$name.log" >&2
      exit 1
    fi
    echo "$name (pid $dead) exited; starting it again." >&2
    (( quick_deaths[$name] > 0 )) && sleep 2   # a quick death: give what it needs (the database) a moment
    case "$name" in
      api) start_api ;;
      silo) start_silo 1 ;;
      silo-*) start_silo "${name#silo-}" ;;
    esac
  done
done
