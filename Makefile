# Two commands do everything: `make run` (features -> living documentation) and `make test`.
# Both create the virtual environment from the lock file on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib,sys;print(hashlib.sha256(open('requirements.lock','rb').read()).hexdigest()[:12])")

.PHONY: run test chromium lint typecheck unit features bench models lock clean new-api remove-examples

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock  # the lock is complete; --no-deps lets overrides.txt stand
	rm -f $(VENV)/.installed-*
	touch $@

## run: run the default profile's features (the demo shop, embedded) and write the living
## documentation to reports/living-docs.html; ARGS="--api NAME" runs another profile
run: $(STAMP)
	$(PY) -m pytest features $(ARGS)

## test: lint, type-check, unit and plugin tests, then the features themselves; first installs
## Debian's chromium when it is missing (the browser check of the living documentation drives it)
test: chromium lint typecheck unit features

## chromium: make sure a Chromium is on PATH: install Debian's package as root with apt-get,
## otherwise say in one line what to install
chromium:
	@if command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "make: installing Debian's chromium for the browser check of the living documentation"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	else \
		echo "make test needs Chromium for the browser check of the living documentation: install Debian's chromium package (sudo apt-get install chromium) or put a chromium executable on PATH" >&2; \
		exit 1; \
	fi

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy

## unit: the framework's own tests (UNIT="tests/x.py ..." runs some of them)
UNIT ?= tests
unit: $(STAMP)
	$(PY) -m pytest $(UNIT) -n 2 $(ARGS)

## features: every profile's features, each against its own API (one living-docs file each: the
## default profile's reports/living-docs.html, another's reports/NAME/living-docs.html)
features: $(STAMP)
	@$(PY) -m client.profiles | while read -r profile; do \
		echo "$(PY) -m pytest features $$profile -n 2 $(ARGS)"; \
		$(PY) -m pytest features $$profile -n 2 $(ARGS) || exit 1; \
	done

## new-api: your API's profile (in api-bdd.toml) and first features (features/NAME/), all passing
## the pre-flight: make new-api NAME=billing BASE_URL=https://... [OPENAPI=path/or/url]
new-api: $(STAMP)
	$(PY) -m steps.scaffold --name "$(NAME)" --base-url "$(BASE_URL)" $(if $(OPENAPI),--openapi "$(OPENAPI)")

## remove-examples: delete the example suites: the shop's and httpbin's features, the shop's
## steps and models, and their profiles; the framework, its tests and benches (which run their own
## copy, tests/suites/) and the embedded demo APIs stay
remove-examples:
	rm -rf features/shop features/httpbin steps/shop api-bdd.examples.toml
	rm -f models/shop.py models/shop_generated.py models/shop.openapi.json

bench: $(STAMP)
	$(PY) -m bench $(ARGS)

## models: generate a profile's strict models from its OpenAPI document
## (make models ARGS="--api shop"; see python -m models.generate --help)
models: $(STAMP)
	$(PY) -m models.generate $(ARGS)

## lock: regenerate requirements.lock from pyproject.toml (needs uv: pip install uv)
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 --overrides overrides.txt -o requirements.lock

clean:
	rm -rf $(VENV) reports .pytest_cache .mypy_cache .ruff_cache
