#!/usr/bin/env bash
# The real components `npm test` talks to: PostgreSQL on 127.0.0.1:5432 (database `test`, trust auth
# for the local user `postgres`), Prometheus + promtool, Alertmanager + amtool, an OCI registry,
# Chromium, wrk, bubblewrap and a static busybox. Run as root with apt, it installs what is missing
# and starts PostgreSQL; otherwise it names the one command to run and exits non-zero, so a test never
# meets a missing component halfway through the suite.
set -euo pipefail

PG_URL_HOST=127.0.0.1
PG_PORT=5432
PG_DB=test

# command -> Debian package that provides it
declare -A PROVIDES=(
  [prometheus]=prometheus
  [promtool]=prometheus
  [prometheus-alertmanager]=prometheus-alertmanager
  [amtool]=prometheus-alertmanager
  [docker-registry]=docker-registry
  [chromium]=chromium
  [wrk]=wrk
  [bwrap]=bubblewrap
  [busybox]=busybox-static
  [psql]=postgresql-client
  [pg_isready]=postgresql-client
)

missing=()
for cmd in "${!PROVIDES[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${PROVIDES[$cmd]}")
done
# The modelcar test runs busybox in a root without a libc, so it must be Debian's static build.
if command -v dpkg >/dev/null 2>&1 && ! dpkg -s busybox-static >/dev/null 2>&1; then
  missing+=(busybox-static)
fi
pg_installed=true
[ -d /etc/postgresql ] && [ -n "$(ls /etc/postgresql 2>/dev/null)" ] || { pg_installed=false; missing+=(postgresql); }
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u | sed '/^$/d')

can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

if [ ${#missing[@]} -gt 0 ]; then
  if can_install; then
    echo "prerequisites: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # Debian starts the packages' own daemons where systemd runs; the tests start their own copies
    # on free ports, and a stray daemon would only hold ports and CPU.
    for svc in prometheus prometheus-alertmanager docker-registry prometheus-node-exporter; do
      pkill -f "/usr/bin/${svc}( |$)" 2>/dev/null || true
    done
  else
    echo "npm test needs: ${missing[*]}" >&2
    echo "install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

# PostgreSQL: started when installed but down; the `test` database created when absent.
if ! pg_isready -h "$PG_URL_HOST" -p "$PG_PORT" -q; then
  if can_install; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    if [ "$pg_installed" = false ]; then
      # A cluster this script installed: let the local `postgres` user in over loopback without a
      # password, as the tests' URL (postgres://postgres@127.0.0.1:5432/test) expects.
      hba="/etc/postgresql/${version}/main/pg_hba.conf"
      sed -i '1i host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust' "$hba"
    fi
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do pg_isready -h "$PG_URL_HOST" -p "$PG_PORT" -q && break; sleep 1; done
  else
    echo "npm test needs PostgreSQL on ${PG_URL_HOST}:${PG_PORT}" >&2
    echo "start it with: sudo pg_ctlcluster \$(ls /etc/postgresql) main start" >&2
    exit 1
  fi
fi
pg_isready -h "$PG_URL_HOST" -p "$PG_PORT" -q || { echo "PostgreSQL on ${PG_URL_HOST}:${PG_PORT} did not start" >&2; exit 1; }

if ! psql -h "$PG_URL_HOST" -p "$PG_PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '${PG_DB}'" | grep -q 1; then
  psql -h "$PG_URL_HOST" -p "$PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE ${PG_DB}" \
    || { echo "could not create database ${PG_DB}: run psql -h ${PG_URL_HOST} -U postgres -c 'CREATE DATABASE ${PG_DB}'" >&2; exit 1; }
fi
