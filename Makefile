# The two set-up commands of the README: `make demo` and `make test`. Both work on a fresh
# Debian/Ubuntu machine: they create .venv, install the package and a browser, then run.
PYTHON ?= python3
ALLURE ?= allure@3.18.0
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test report docs lint typecheck clean

$(STAMP): pyproject.toml scripts/install-browser.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# MiniWoB++'s HTML for benchmarks/miniwob and its regression subset (MIT; --no-deps: only the
	# HTML is used, the package itself needs gymnasium).
	$(BIN)/pip install --quiet --no-deps miniwob==1.1.0
	scripts/install-browser.sh $(BIN)/python
	touch $(STAMP)

## Run the examples against the bundled demo app: offline, no model, no key.
demo: $(STAMP)
	$(BIN)/pytest --webagent examples/cases -p no:cacheprovider -v

## Run the examples with Allure results and build the HTML report (Node.js) as one self-contained
## file, allure-report/index.html, that opens from disk; allure-history.jsonl keeps the history of
## the runs (trends, retries, flaky tests). The report is built even when a case fails; make still
## exits with pytest's status.
report: $(STAMP)
	rm -rf allure-results allure-report
	$(BIN)/pytest --webagent examples/cases -p no:cacheprovider -q --alluredir=allure-results; \
	status=$$?; \
	npx --yes $(ALLURE) awesome allure-results -o allure-report --single-file \
		--history-path allure-history.jsonl && \
	echo "report: allure-report/index.html (one file: open it in a browser)"; \
	exit $$status

## Lint, type-check and run the whole test suite.
test: $(STAMP) lint typecheck
	$(BIN)/pytest -n 2 -q

## Build the documentation site (mkdocs.yml, docs/) into site/, offline; any broken link fails it.
## site/index.html opens from disk, search included (scripts/mkdocs_hooks.py).
docs: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

lint: $(STAMP)
	$(BIN)/ruff check src tests examples benchmarks
	$(BIN)/ruff format --check src tests examples benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .webagent-cache .pytest_cache .mypy_cache .ruff_cache allure-results allure-report allure-history.jsonl \
		test-results site
