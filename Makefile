# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
export FLASK_APP := adkar

.PHONY: run test check lint format bench bench-scale audit lock install install-test clean browser-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Runtime dependencies install at the versions in requirements.lock (`make lock` refreshes it).
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c requirements.lock -e .
	touch $@

# Test and lint tools install at the versions in requirements-test.lock, on top of the runtime's.
$(VENV)/.installed-test: pyproject.toml requirements.lock requirements-test.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c requirements.lock -c requirements-test.lock -e '.[test]'
	touch $(VENV)/.installed $@

# The OpenID provider the sign-in tests start (tests/oidc: npm's oidc-provider, run with node); skipped
# where node is missing (the tests then skip too, unless ADKAR_REQUIRE_OIDC=1).
tests/oidc/node_modules/.package-lock.json: tests/oidc/package.json tests/oidc/package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the OpenID sign-in tests will skip"; fi

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test tests/oidc/node_modules/.package-lock.json

run: install
	$(BIN)/flask init-db
	$(BIN)/flask demo
	@echo ""
	@echo "  adkar is running at http://$(HOST):$(PORT)/"
	@echo "  Demo sign-in: practitioner@demo.adkar.test / demo-password"
	@echo "  (also sponsor@demo.adkar.test and admin@demo.adkar.test, same password)"
	@echo "  A background worker sends e-mail; Ctrl-C stops it and the web server."
	@echo ""
	$(BIN)/flask worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/flask run --host $(HOST) --port $(PORT)

# Style, types (mypy, [tool.mypy]) and the layering contract ([tool.importlinter] in pyproject.toml).
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# The fast inner loop: every test but the browser and slow ones, on SQLite, on every core.
check: install-test
	$(BIN)/ruff check .
	env -u ADKAR_TEST_POSTGRES_URL $(BIN)/python -m pytest -n auto -q -m "not browser and not slow" $(PYTEST_ARGS)

bench: install-test
	$(BIN)/python -m bench $(BENCH_ARGS); main=$$?; \
	$(BIN)/python -m bench.scale $(BENCH_ARGS); scale=$$?; \
	exit $$(( main > scale ? main : scale ))

# Exports and dashboards at a large company's size only (docs/scale.md): `make bench-scale BENCH_ARGS=--quick`
bench-scale: install-test
	$(BIN)/python -m bench.scale $(BENCH_ARGS)

# Known vulnerabilities in the locked runtime dependencies (pip-audit; says AUDIT SKIPPED when PyPI's
# vulnerability data cannot be reached).
audit: install-test
	bash .ci/audit

# Re-resolve the runtime dependencies in a throw-away venv and pin them; then the test tools on top.
lock:
	rm -rf $(VENV)-lock && $(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install --quiet .
	{ echo "# Runtime dependencies locked to the versions CI installs and tests (make lock regenerates; make audit checks)."; \
	  $(VENV)-lock/bin/python -m pip freeze --exclude adkar; } > requirements.lock
	$(VENV)-lock/bin/python -m pip install --quiet -c requirements.lock '.[test]'
	{ echo "# Test and lint tools locked on top of requirements.lock (make lock regenerates both): a new ruff or mypy"; \
	  echo "# release cannot turn a clean clone red."; \
	  $(VENV)-lock/bin/python -m pip freeze --exclude adkar | grep -v -i -x -F -f requirements.lock; } > requirements-test.lock
	rm -rf $(VENV)-lock

clean:
	rm -rf $(VENV) instance .pytest_cache build dist
