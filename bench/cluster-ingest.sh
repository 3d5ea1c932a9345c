#!/usr/bin/env bash
# Durable ingest through nginx in front of three Ruche servers sharing one
# PostgreSQL (`--cluster`, deploy/nginx-cluster.conf), against one server on
# the same PostgreSQL, alternated run by run (BENCHMARKS.md, "Beyond one
# machine"). Needs a PostgreSQL (RUCHE_BENCH_POSTGRES, as for ruche-bench)
# and nginx; builds nothing: run `cargo build --release -p ruche-server
# -p ruche-bench` first.
#
#   RUCHE_BENCH_POSTGRES=postgres://ruche@127.0.0.1:55432 bench/cluster-ingest.sh [runs]
set -euo pipefail
: "${RUCHE_BENCH_POSTGRES:?give the PostgreSQL server, e.g. postgres://ruche@127.0.0.1:55432}"
runs=${1:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
server=$here/target/release/ruche-server
bench=$here/target/release/ruche-bench
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

for run in $(seq "$runs"); do
  db=ruche_cluster_$(date +%s%N)
  psql -X -q -d "$RUCHE_BENCH_POSTGRES/postgres" -c "CREATE DATABASE $db"
  ports=()
  for n in 1 2 3; do
    port=$(free_port)
    ports+=("$port")
    "$server" --bind "127.0.0.1:$port" --db "$RUCHE_BENCH_POSTGRES/$db" --cluster --log warn \
      --commands-per-second 100000 --join-attempts-per-minute 1000000 \
      --creations-per-hour 1000000 --max-workshops 100000 >"$work/server-$n.log" 2>&1 &
    pids+=("$!")
  done
  front=$(free_port)
  sed -e "s/127.0.0.1:8081/127.0.0.1:${ports[0]}/" -e "s/127.0.0.1:8082/127.0.0.1:${ports[1]}/" \
      -e "s/127.0.0.1:8083/127.0.0.1:${ports[2]}/" -e "s/listen 8080;/listen 127.0.0.1:$front;/" \
      -e "s#pid /run/ruche-nginx.pid;#pid $work/nginx.pid;#" \
      -e "s#error_log /var/log/nginx/ruche-error.log warn;#error_log $work/nginx-error.log warn;#" \
      -e "s#access_log off;#access_log off; client_body_temp_path $work/body; proxy_temp_path $work/proxy; fastcgi_temp_path $work/fcgi; uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;#" \
      "$here/deploy/nginx-cluster.conf" >"$work/nginx.conf"
  chmod 755 "$work"
  nginx -p "$work" -c "$work/nginx.conf" -g "daemon off; master_process off;" &
  pids+=("$!")
  for port in "${ports[@]}" "$front"; do
    until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.1; done
  done
  echo "## run $run: three servers through nginx"
  "$bench" --size full --scenario ingest --target-port "$front"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
  echo "## run $run: one server"
  "$bench" --size full --scenario ingest
done
