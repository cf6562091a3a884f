# One task runner for set-up, the demo, the tests, the benchmarks and lint.
# Needs only python3 (3.11+) with pip and venv, and make. Everything else is installed here.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup browser-deps demo serve test test-fast bench lint format clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the project with its test tools

demo: setup  ## build the sample warehouse, then serve the dashboard on http://localhost:8501
	$(BIN)/pccdash demo

# SERVE_ARGS passes options on, e.g. make serve SERVE_ARGS="--auth-secrets /etc/pccdash/secrets.toml"
serve: setup  ## serve the dashboard on the existing warehouse
	$(BIN)/pccdash serve $(SERVE_ARGS)

# The browser tests drive Debian's chromium (Playwright downloads no browser of its own); the pack's
# print-quality tests draw its pages with poppler's pdftoppm.
browser-deps:  ## install chromium for the browser tests and poppler-utils for the pack's page images, if missing
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; \
	  else echo "chromium is missing: install it as root (apt-get install chromium)" >&2; exit 1; fi; \
	  $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }
	@command -v pdftoppm >/dev/null || { \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; \
	  else echo "pdftoppm is missing: install it as root (apt-get install poppler-utils)" >&2; exit 1; fi; \
	  $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y poppler-utils; }

# Two workers (pytest-xdist): the suite's wall time on a 2-core machine is nearly halved.
test: setup browser-deps  ## the whole test suite
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

test-fast: setup  ## the tests not marked slow or browser
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup -m "not slow and not browser"

bench: setup  ## the benchmark scripts, each against its baseline measured in the same run
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_validate.py
	$(BIN)/python benchmarks/bench_monthly_return.py
	$(BIN)/python benchmarks/bench_plan.py
	$(BIN)/python benchmarks/bench_police_uk.py
	$(BIN)/python benchmarks/bench_police_uk.py --rows 20000000 --only memory --generator duckdb --memory-limit 256MB
	$(BIN)/python benchmarks/bench_writes.py
	$(BIN)/python benchmarks/bench_pages.py
	$(BIN)/python benchmarks/bench_public_load.py
	$(BIN)/python benchmarks/bench_publish_years.py

lint: setup  ## check the code with ruff
	$(BIN)/ruff check pipelines dashboard tests benchmarks

# The code keeps its own layout (lines up to 120, arguments aligned by hand), which ruff's formatter would rewrite
# in every file and leave lines lint refuses; format applies lint's own fixes (import order, newer syntax) instead.
format: setup  ## fix what lint finds that ruff can fix by itself
	$(BIN)/ruff check --fix pipelines dashboard tests benchmarks

clean:
	rm -rf $(VENV) var .pytest_cache
