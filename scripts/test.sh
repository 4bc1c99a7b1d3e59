#!/usr/bin/env bash
# The whole test suite: lint, types, then pytest on SQLite and on PostgreSQL.
# In CI (CI=true) a missing PostgreSQL or Chromium fails the run; on a laptop that half is skipped
# with a message saying so.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export PYTHONDONTWRITEBYTECODE=1
in_ci() { [[ "${CI:-}" == "true" || "${CI:-}" == "1" ]]; }

echo "== ruff"
$BIN/ruff check .
echo "== mypy"
$BIN/mypy

# --- Chromium for the browser tests -------------------------------------------------------------
CHROMIUM=${ENTAS_CHROMIUM:-/usr/bin/chromium}
if [[ ! -x "$CHROMIUM" ]] && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  echo "== installing Debian's chromium for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [[ -x "$CHROMIUM" ]]; then
  export ENTAS_CHROMIUM="$CHROMIUM"
elif in_ci; then
  echo "FAIL: Chromium not found at $CHROMIUM and could not be installed; browser tests cannot run." >&2
  exit 1
else
  echo "NOTE: no Chromium at $CHROMIUM: browser tests will be skipped (apt-get install chromium)."
fi

# --- PostgreSQL ---------------------------------------------------------------------------------
PG_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
pg_up() { $BIN/python -c "import psycopg,sys; psycopg.connect(sys.argv[1].replace('postgres://','postgresql://',1), connect_timeout=3).close()" "$PG_URL" 2>/dev/null; }
if ! pg_up && command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]]; then
  echo "== starting the local PostgreSQL cluster"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  sleep 2
fi
run_pg=1
if ! pg_up; then
  if in_ci; then
    echo "FAIL: PostgreSQL is not reachable at $PG_URL; CI must test on PostgreSQL." >&2
    exit 1
  fi
  echo "NOTE: PostgreSQL not reachable at $PG_URL: skipping the PostgreSQL half (set TEST_POSTGRES_URL)."
  run_pg=0
fi

export ENTAS_DATA_DIR=${ENTAS_DATA_DIR:-$(mktemp -d)}
echo "== pytest on SQLite"
DATABASE_URL="sqlite:///$ENTAS_DATA_DIR/test.sqlite3" $BIN/pytest "$@"
if [[ $run_pg == 1 ]]; then
  echo "== pytest on PostgreSQL"
  DATABASE_URL="$PG_URL" $BIN/pytest -m "not browser" "$@"
fi
