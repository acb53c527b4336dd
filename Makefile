# The two commands a newcomer needs: `make run` and `make test`.
# Both create .venv when it is missing and install the package with its dev tools.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO   ?= build/demo-workspace

.PHONY: run test test-fast lint bench airflow clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

## make run: the nightly job on the bundled example workspace (local Excel, no credentials)
run: $(STAMP)
	test -f $(DEMO)/sheets-sync.yaml || $(PY) -m sheets_sync demo $(DEMO)
	$(PY) -m sheets_sync sync --config $(DEMO)/sheets-sync.yaml

## make test: the whole test suite (LibreOffice tests skip locally when soffice is missing)
test: $(STAMP)
	$(PY) -m pytest

test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow and not libreoffice"

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
	rm -rf $(VENV) $(AIRFLOW_VENV) build .pytest_cache .mypy_cache .ruff_cache
