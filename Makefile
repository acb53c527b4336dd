# The two commands a newcomer needs: `make run` and `make test`.
# Both create .venv when it is missing and install the package with its dev tools.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO   ?= build/demo-workspace

.PHONY: run test test-fast test-pythons lint bench airflow clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

## make run: the nightly job on the bundled example workspace (local Excel, no credentials)
run: $(STAMP)
	test -f $(DEMO)/sheets-sync.yaml || $(PY) -m sheets_sync demo $(DEMO)
	$(PY) -m sheets_sync sync --config $(DEMO)/sheets-sync.yaml

## make test: the whole test suite (LibreOffice tests skip locally when soffice is missing),
## in TEST_JOBS processes (pytest-xdist): most slow tests wait on a subprocess, LibreOffice or
## the emulator, so a second process fills the idle core. A file's tests stay in one process
## (--dist loadfile): its module fixtures are made once and its tests keep their order.
## TEST_JOBS=0 runs in this process alone (for --pdb, or to time tests one by one).
TEST_JOBS ?= 2
PYTEST_JOBS = $(if $(filter 0,$(TEST_JOBS)),,-n $(TEST_JOBS) --dist loadfile)
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_JOBS)

test-fast: $(STAMP)
	$(PY) -m pytest $(PYTEST_JOBS) -m "not slow and not libreoffice"

## make test-pythons: the fast suite again on each newer Python the package claims, in a
## venv of its own (.venv3.12, ...); a version not installed is skipped (python3.X on PATH,
## else pyenv's newest 3.X.*). Not part of `make test`: each version costs a venv (about
## 2 minutes, once) and a fast-suite run (about 4 minutes on 2 cores).
TEST_PYTHONS ?= 3.12 3.13
TEST_PYTHONS_ARGS ?= -m "not slow and not libreoffice"
test-pythons:
	@failed=""; for v in $(TEST_PYTHONS); do \
	  py=$$(python$$v -c '' 2>/dev/null && command -v python$$v || true); \
	  [ -n "$$py" ] || py=$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$v.*/bin/python$$v 2>/dev/null | sort -V | tail -1); \
	  if [ -z "$$py" ]; then echo "test-pythons: python$$v not installed, skipped"; continue; fi; \
	  $(MAKE) --no-print-directory VENV=.venv$$v PYTHON=$$py .venv$$v/.installed || exit 1; \
	  echo "test-pythons: $$(.venv$$v/bin/python -V)"; \
	  .venv$$v/bin/python -m pytest -q -p no:cacheprovider $(TEST_PYTHONS_ARGS) || failed="$$failed $$v"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-pythons: failed on$$failed"; exit 1; fi

lint: $(STAMP)
	$(VENV)/bin/ruff check sheets_sync tests bench cli.py
	$(VENV)/bin/ruff format --check sheets_sync tests bench cli.py
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) -m bench

## make airflow: a separate venv with Apache Airflow, for the test that runs the DAG for
## real (`airflow dags test`); .ci/run makes it, local runs skip that test without it.
AIRFLOW_VENV ?= .venv-airflow
AIRFLOW_VERSION ?= 3.3.2
airflow: $(AIRFLOW_VENV)/.installed
$(AIRFLOW_VENV)/.installed:
	test -x $(AIRFLOW_VENV)/bin/python || $(PYTHON) -m venv $(AIRFLOW_VENV)
	$(AIRFLOW_VENV)/bin/pip install -q --disable-pip-version-check "apache-airflow==$(AIRFLOW_VERSION)"
	touch $@

clean:
	rm -rf $(VENV) $(AIRFLOW_VENV) .venv3.[0-9] .venv3.[0-9][0-9] build sheets_sync.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
