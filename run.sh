#!/usr/bin/env bash
# Runs the whole system locally: PostgreSQL, one silo, one API, the real region loaded.
# Prints the URLs and an admin token; Ctrl-C stops everything, PostgreSQL included.
#
#   ./run.sh              build (incrementally) and run
#   ./run.sh --no-build   run what is already built (the end-to-end test uses this after test.sh built it)
#   ./run.sh --silos 3    a scaled run: three silo processes on loopback sharing one database
#
# RECT_DATA_DIR  state folder (default .data: the database, the signing key, logs)
# RECT_API_PORT  API port (default 5080); the silo's ports are picked free unless RECT_SILO_* are set
set -euo pipefail

repo=$(cd "$(dirname "$0")" && pwd)
cd "$repo"
data=${RECT_DATA_DIR:-$repo/.data}
api_port=${RECT_API_PORT:-5080}
config=Release
mkdir -p "$data/logs"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 40000 ))
    if port_free "$p"; then echo "$p"; return; fi
  done
  echo "no free port" >&2; exit 1
}

build=1
silos=${RECT_SILOS:-1}
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --silos) silos=$2; shift ;;
    *) echo "usage: $0 [--no-build] [--silos N]" >&2; exit 2 ;;
  esac
  shift
done

if [ "$build" = 1 ]; then
  echo "Building ($config)..." >&2
  dotnet build Silo/Rectification.Silo.csproj -c $config -nologo -v q -clp:ErrorsOnly
  dotnet build Api/Rectification.Api.csproj -c $config -nologo -v q -clp:ErrorsOnly
fi

port_free "$api_port" || { echo "Port $api_port is in use (set RECT_API_PORT)" >&2; exit 1; }

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo "Stopping..." >&2
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  RECT_PG_DIR="$data/pg" deploy/pg.sh stop
}
trap cleanup INT TERM EXIT

RECT_PG_DIR="$data/pg" deploy/pg.sh start
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
  if [ -z "$p" ] || ! port_free "$p"; then p=$(pick_port); fi
  echo "$p" > "$file"
  echo "$p"
}
start_silo() {
  local n=$1 suffix="" http_port silo_port gateway_port
  if [ "$n" != 1 ]; then suffix="-$n"; fi
  http_port=$(reuse_port "silo$suffix-http")
  silo_port=$(reuse_port "silo$suffix")
  gateway_port=$(reuse_port "gateway$suffix")
  [ "$n" = 1 ] && http_port=${RECT_SILO_HTTP_PORT:-$http_port}
  Orleans__SiloPort=$silo_port Orleans__GatewayPort=$gateway_port Urls="http://127.0.0.1:$http_port" \
    dotnet "Silo/bin/$config/net10.0/Rectification.Silo.dll" --contentRoot "$repo/Silo/bin/$config/net10.0" \
    >"$data/logs/silo$suffix.log" 2>&1 &
  pids+=($!)
  echo $! > "$data/silo$suffix.pid"
  started_http=$http_port
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
start_silo 1
silo_http=$started_http
wait_ready "http://127.0.0.1:$silo_http/health/ready" silo "${pids[0]}"
for n in $(seq 2 "$silos"); do
  start_silo "$n"
  wait_ready "http://127.0.0.1:$started_http/health/ready" "silo-$n" "${pids[-1]}"
done

Auth__SigningKey=$(cat "$data/signing.key") Auth__DevTokens=true Urls="http://127.0.0.1:$api_port" \
  dotnet "Api/bin/$config/net10.0/Rectification.Api.dll" --contentRoot "$repo/Api/bin/$config/net10.0" >"$data/logs/api.log" 2>&1 &
pids+=($!)
echo $! > "$data/api.pid"
wait_ready "http://127.0.0.1:$api_port/health/ready" api "${pids[-1]}"

api="http://127.0.0.1:$api_port"
token=$(curl -fsS -X POST "$api/api/v1/dev/tokens" -H 'Content-Type: application/json' \
  -d '{"sub":"admin","unit":"150000000000","role":"admin"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')

cat <<EOF
Ready.
  API        $api/api/v1/units/150000000000
  API docs   $api/docs   (OpenAPI: $api/openapi/v1.json)
  Silos      $silos (dashboard http://127.0.0.1:$silo_http/dashboard)
  Logs       $data/logs
  Admin token for the whole region (12 h):
    $token
  Try: curl -H "Authorization: Bearer \$TOKEN" $api/api/v1/units/150000000000/children
Press Ctrl-C to stop.
EOF

# Stay up until told to stop, the API exits or the first silo exits. In a scaled run another silo
# may die: the cluster carries on without it (its grains reactivate on the survivors).
api_pid=${pids[-1]}
first_silo=${pids[0]}
while true; do
  wait -n "${pids[@]}" || true
  if ! kill -0 "$api_pid" 2>/dev/null || ! kill -0 "$first_silo" 2>/dev/null; then break; fi
  alive=()
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then alive+=("$pid"); else echo "Silo process $pid exited; the cluster carries on." >&2; fi
  done
  pids=("${alive[@]}")
done
