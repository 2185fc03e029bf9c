# Two commands do everything: `make run` (features -> living documentation) and `make test`.
# Both create the virtual environment from the lock file on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib,sys;print(hashlib.sha256(open('requirements.lock','rb').read()).hexdigest()[:12])")

.PHONY: run test lint typecheck unit features bench lock clean

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock  # the lock is complete; --no-deps lets overrides.txt stand
	rm -f $(VENV)/.installed-*
	touch $@

## run: run the default profile's features (the demo shop, embedded) and write the living
## documentation to reports/living-docs.html; ARGS="--api NAME" runs another profile
run: $(STAMP)
	$(PY) -m pytest features $(ARGS)

## test: lint, type-check, unit and plugin tests, then the features themselves
test: lint typecheck unit features

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy

unit: $(STAMP)
	$(PY) -m pytest tests -n 2 $(ARGS)

## features: every profile's features, each against its own API (one living-docs file each)
features: $(STAMP)
	$(PY) -m pytest features --api shop -n 2 $(ARGS)
	$(PY) -m pytest features --api httpbin -n 2 --living-docs reports/httpbin/living-docs.html $(ARGS)

bench: $(STAMP)
	$(PY) -m bench $(ARGS)

## lock: regenerate requirements.lock from pyproject.toml (needs uv: pip install uv)
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 --overrides overrides.txt -o requirements.lock

clean:
	rm -rf $(VENV) reports .pytest_cache .mypy_cache .ruff_cache
