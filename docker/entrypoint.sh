#!/bin/sh
# Entry point of the Behovsgraf image (see Dockerfile and docker-compose.yml).
#
# 1. Waits until the store named by BEHOVSGRAF_STORE (e.g. bolt://neo4j:7687) answers,
#    for at most STORE_WAIT_SECONDS (default 60).
# 2. Loads the sample cases (SAMPLE_DATA, default /app/data/samples) only when the graph
#    is empty. The check asks the graph itself rather than a marker file in the
#    container, so recreating the container neither loads them again nor brings back
#    cases someone removed. SAMPLE_DATA= (empty) starts with an empty graph.
# 3. Replaces itself with `behovsgraf serve`, which listens on BEHOVSGRAF_HOST and
#    BEHOVSGRAF_PORT; arguments given to the container are passed on to it.
set -eu

SAMPLE_DATA="${SAMPLE_DATA-/app/data/samples}"
STORE_WAIT_SECONDS="${STORE_WAIT_SECONDS:-60}"

# Prints "empty" or "loaded"; exits 3 while the store cannot be reached, 2 on other
# store errors (a wrong password is reported as unreachable by the Neo4j backend).
graph_state() {
    python - <<'PY'
import sys

from api.settings import get_settings
from graph.backends import open_store
from graph.errors import StoreError, StoreUnavailable

settings = get_settings()
password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
try:
    store = open_store(settings.store, user=settings.neo4j_user, password=password)
    try:
        total = store.stats().node_total
    finally:
        store.close()
except StoreUnavailable as exc:
    print(f"entrypoint: {exc}", file=sys.stderr)
    sys.exit(3)
except StoreError as exc:
    print(f"entrypoint: {exc}", file=sys.stderr)
    sys.exit(2)
print("empty" if total == 0 else "loaded")
PY
}

waited=0
while :; do
    rc=0
    state="$(graph_state)" || rc=$?
    if [ "$rc" -eq 0 ]; then
        break
    fi
    if [ "$rc" -ne 3 ] || [ "$waited" -ge "$STORE_WAIT_SECONDS" ]; then
        echo "entrypoint: cannot use the store ${BEHOVSGRAF_STORE:-}; giving up" >&2
        exit 2
    fi
    sleep 2
    waited=$((waited + 2))
done

if [ "$state" = empty ] && [ -n "$SAMPLE_DATA" ]; then
    echo "entrypoint: the graph is empty; loading the sample cases from $SAMPLE_DATA" >&2
    behovsgraf ingest "$SAMPLE_DATA"
else
    echo "entrypoint: the graph is $state; not loading sample cases" >&2
fi

exec behovsgraf serve "$@"
