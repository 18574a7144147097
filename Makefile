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

DEMO_DB := out/demo.db

run: $(STAMP)
	$(BIN)/motnlp annotate samples/ -o out/sample.annotated.jsonl
	$(BIN)/motnlp report out/sample.annotated.jsonl
	rm -f $(DEMO_DB)
	$(BIN)/motnlp ingest out/sample.annotated.jsonl --db sqlite:///$(DEMO_DB)
	@coach=$$($(BIN)/motnlp users add demo-coach --role coach --db sqlite:///$(DEMO_DB)); \
	 agent=$$($(BIN)/motnlp users add demo-agent --role agent --agent-id a-z01 --db sqlite:///$(DEMO_DB)); \
	 echo; echo "Coaching pages: run  $(BIN)/motnlp serve --db sqlite:///$(DEMO_DB)"; \
	 echo "then open http://127.0.0.1:8000/login and sign in with a token:"; \
	 echo "  coach (team overview, every agent):  $$coach"; \
	 echo "  agent a-z01 (own page http://127.0.0.1:8000/agents/a-z01 only):  $$agent"

MODEL_VERSION ?= 2
model: $(STAMP)
	$(BIN)/motnlp corpus validate corpus/
	$(BIN)/motnlp train corpus/ --splits corpus/splits.json -o models/default --name motnlp-default \
	  --version $(MODEL_VERSION) --seed 0

# The transformer comparison runs in its own environment (.venv-bench, torch CPU build), so that
# torch never enters .venv: spaCy imports torch whenever it can, which slows every start-up.
bench: $(STAMP)
	@test -x .venv-bench/bin/python || { $(PYTHON) -m venv .venv-bench && \
	  .venv-bench/bin/pip install --quiet "torch==2.13.0" numpy; } || \
	  echo "torch could not be installed: the transformer comparison will be skipped"
	$(BIN)/python -m motnlp.bench

clean:
	rm -rf $(VENV) .venv-bench out .pytest_cache

FUZZ_SECONDS ?= 60
fuzz: $(STAMP)
	$(BIN)/pip install --quiet "atheris>=2.3"
	mkdir -p out/fuzz-corpus
	cp tests/data/same_call/* out/fuzz-corpus/ 2>/dev/null || true
	$(BIN)/python fuzz/fuzz_readers.py -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 out/fuzz-corpus
