# motnlp — every target works as the first command on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test run bench model lint fuzz clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest; status=$$?; if [ $$status -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check motnlp tests

run: $(STAMP)
	$(BIN)/motnlp annotate samples/ -o out/sample.annotated.jsonl
	$(BIN)/motnlp report out/sample.annotated.jsonl

model: $(STAMP)
	$(BIN)/motnlp train corpus/ --split train --dev corpus/ -o models/default

bench: $(STAMP)
	$(BIN)/python -m motnlp.bench

clean:
	rm -rf $(VENV) out .pytest_cache

FUZZ_SECONDS ?= 60
fuzz: $(STAMP)
	$(BIN)/pip install --quiet "atheris>=2.3"
	mkdir -p out/fuzz-corpus
	cp tests/data/same_call/* out/fuzz-corpus/ 2>/dev/null || true
	$(BIN)/python fuzz/fuzz_readers.py -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 out/fuzz-corpus
