# The README's commands. `make run` and `make test` set up everything they need on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
STORE ?= data/behovsgraf.db
PORT ?= $(or $(BEHOVSGRAF_PORT),8000)

.PHONY: run test bench bench-load bench-neo4j eval drafts neo4j clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	api/graphiql/ensure-graphiql || echo "GraphiQL's files are not installed; /graphql works without its explorer"
	touch $@

## run: install, load the sample data into the embedded store, answer a sample question, then serve
##      the planner pages and the GraphQL API on http://127.0.0.1:$(PORT)/ (`make run PORT=8080`)
run: $(INSTALLED)
	$(BIN)/behovsgraf ingest --store $(STORE) data/samples
	$(BIN)/behovsgraf prior --store $(STORE) --top 5 "Elevane våre vel feil utdanningsprogram og fell frå i vidaregåande"
	$(BIN)/behovsgraf serve --store $(STORE) --port $(PORT)

## test: install with the dev extras and run the whole suite (the fixtures install chromium, axe-core
##       and build the local Neo4j when they are missing)
test: $(INSTALLED)
	$(PY) -m pytest

## bench: benchmark tables into docs/benchmarks.md: ranking and start-up, the search index (embedded and Neo4j,
##        10k and 100k cases, known-item check), top-10 agreement, ingest beside 1,000 watches, write to signed
##        webhook, reconciliation
bench: $(INSTALLED)
	$(PY) -m bench.run --cases 1000 10000 100000 --write
	$(PY) -m bench.startup --write
	$(PY) -m bench.index --backend embedded --cases 10000 100000 --write
	$(PY) -m bench.index --backend neo4j --cases 10000 100000 --write
	$(PY) -m bench.agreement --write
	$(PY) -m bench.watches_run --write
	$(PY) -m bench.watch_delivery --write
	$(PY) -m bench.reconcile

## bench-load: 50 readers (think time 1-5 s, then none) + 1 intake write/s for 60 s against 10k generated cases (locust),
##             tables in docs/load.md
bench-load: $(VENV)/.load-installed
	$(PY) -m bench.load --cases 10000 --write

$(VENV)/.load-installed: $(INSTALLED)
	$(PY) -m pip install --quiet -e '.[dev,load]'
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache $(STORE) $(STORE)-wal $(STORE)-shm

## neo4j: run a local Neo4j Community (Bolt on 127.0.0.1:7687, data in data/neo4j) for development
neo4j:
	tools/neo4j-local/neo4j-local build
	tools/neo4j-local/neo4j-local run --port 7687 --data data/neo4j

## eval: ranking quality, leave-one-domain-out over every graded set, beside bm25s and dense-only (docs/eval.md)
eval: $(INSTALLED)
	$(BIN)/behovsgraf eval data/eval/dev.yaml data/eval/extra.yaml data/eval/domains.yaml --markdown docs/eval.md

## bench-neo4j: Neo4j write and ranking benchmarks (starts a local Neo4j) into docs/benchmarks.md
bench-neo4j: $(INSTALLED)
	$(PY) -m bench.neo4j_run --cases 2000 --write

## drafts: how much of the hand-written seed cases `behovsgraf draft` recovers, per document and format (docs/drafts.md)
drafts: $(INSTALLED)
	$(PY) -m bench.drafts --held-out --write
