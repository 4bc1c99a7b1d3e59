#!/usr/bin/env bash
# The whole test suite: lint, types, the import contracts, then pytest on SQLite and on PostgreSQL.
# In CI (CI=true) a missing PostgreSQL, Chromium or Java fails the run; on a laptop what needs it is
# skipped with a message saying so. The Spark test runs in the SQLite half only.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export PYTHONDONTWRITEBYTECODE=1
in_ci() { [[ "${CI:-}" == "true" || "${CI:-}" == "1" ]]; }

echo "== ruff"
$BIN/ruff check .
echo "== mypy"
$BIN/mypy
echo "== import-linter (the layering of docs/architecture.md)"
$BIN/lint-imports --no-logo

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

# --- Java for the Spark test (tests/linkage/test_spark.py; Spark 4 needs Java 17 or newer) ----------
java_major() { java -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == 1 ? v[2] : v[1]); exit }'; }
java_ok() { command -v java >/dev/null && local major && major=$(java_major) && (( ${major:-0} >= 17 )); }
if ! java_ok && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  echo "== installing Debian's default-jre-headless for the Spark test"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
fi
if java_ok; then
  export JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
elif in_ci; then
  echo "FAIL: no Java 17+ (java on PATH) and it could not be installed; the Spark test cannot run." >&2
  exit 1
else
  echo "NOTE: no Java 17+ on PATH: the Spark test will be skipped (apt-get install default-jre-headless)."
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

# The two halves run side by side (one process each, on a machine of two cores or more), each in a
# data folder of its own: uploads and rejects files of one never meet the other's. The SQLite half
# (with the browser tests) prints as it goes; the PostgreSQL half's report follows it.
DATA=${ENTAS_DATA_DIR:-$(mktemp -d)}
mkdir -p "$DATA/sqlite" "$DATA/postgresql"
SLOWEST=(--durations=15 --durations-min=1)
if [[ $run_pg == 1 ]]; then
  echo "== pytest on PostgreSQL (in the background; its report follows the SQLite one)"
  ENTAS_DATA_DIR="$DATA/postgresql" DATABASE_URL="$PG_URL" \
    $BIN/pytest -m "not browser and not spark" "${SLOWEST[@]}" "$@" > "$DATA/postgresql.log" 2>&1 &
  pg_pid=$!
fi
echo "== pytest on SQLite"
sqlite_rc=0
ENTAS_DATA_DIR="$DATA/sqlite" DATABASE_URL="sqlite:///$DATA/sqlite/test.sqlite3" \
  $BIN/pytest "${SLOWEST[@]}" "$@" || sqlite_rc=$?
pg_rc=0
if [[ $run_pg == 1 ]]; then
  wait "$pg_pid" || pg_rc=$?
  echo "== pytest on PostgreSQL: report"
  cat "$DATA/postgresql.log"
fi
if (( sqlite_rc != 0 || pg_rc != 0 )); then
  echo "FAIL: pytest on SQLite exited with $sqlite_rc, on PostgreSQL with $pg_rc." >&2
  exit 1
fi
