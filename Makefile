# The README's commands. `make run` and `make test` set up everything they need on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
STORE ?= data/behovsgraf.db

.PHONY: run test bench eval neo4j clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

## run: install, load the sample data into the embedded store, answer a sample question
run: $(INSTALLED)
	$(BIN)/behovsgraf ingest --store $(STORE) data/samples
	$(BIN)/behovsgraf prior --store $(STORE) --top 5 "Elevane våre vel feil utdanningsprogram og fell frå i vidaregåande"

## test: install with the dev extras and run the whole suite
test: $(INSTALLED)
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .pytest_cache $(STORE) $(STORE)-wal $(STORE)-shm

## neo4j: run a local Neo4j Community (Bolt on 127.0.0.1:7687, data in data/neo4j) for development
neo4j:
	tools/neo4j-local/neo4j-local build
	tools/neo4j-local/neo4j-local run --port 7687 --data data/neo4j
