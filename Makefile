# Two commands a newcomer needs (both create the environment first):
#   make demo   rank candidate changes for a flaky test along the built-in less-flaky direction,
#               then index this repository's own source and show the fragments most similar to one
#   make test   lint, type-check and run the whole test suite
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.embedmotion-installed

.PHONY: demo test lint env clean-demo bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# CPU build of torch first (a bare `torch` would pull a multi-GB CUDA build)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

env: $(STAMP)

demo: $(STAMP)
	$(BIN)/embedmotion suggest examples/test_report_export.py::test_report_is_exported --direction less-flaky -k 3
	$(BIN)/embedmotion index . --corpus .embedmotion/demo
	$(BIN)/embedmotion similar 'embedmotion/corpus.py::Corpus.most_similar' --corpus .embedmotion/demo --topn 8

lint: $(STAMP)
	$(BIN)/ruff check embedmotion tests benchmarks scripts
	$(BIN)/mypy

# one embedding cache shared by the tests and the notebooks (keyed by model fingerprint + text hash)
TEST_CACHE ?= .embedmotion/test-cache

test: $(STAMP) lint
	HF_HUB_OFFLINE=1 EMBEDMOTION_TEST_CACHE=$(TEST_CACHE) EMBEDMOTION_CACHE_DIR=$(TEST_CACHE) \
	  $(BIN)/python -m pytest -q -p no:cacheprovider tests --nbmake --nbmake-timeout=1800 notebooks/*.ipynb

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean-demo:
	rm -rf .embedmotion/demo
