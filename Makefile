# Two entry points for a fresh machine:
#   make demo  - create ./.venv, install opsmap, build the gazetteer, run the pipeline over
#                data/reports/ and serve the dashboard on http://127.0.0.1:8501
#   make test  - install the test needs (Debian's chromium when missing) and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --prefer-binary --disable-pip-version-check -q

.PHONY: demo install build serve test test-install clean

demo: install build serve

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) -e .
	touch $@

build: install
	$(BIN)/opsmap gazetteer build
	$(BIN)/opsmap build data/reports

serve: install
	$(BIN)/opsmap serve --port 8501

test-install: $(VENV)/.test-installed

$(VENV)/.test-installed: $(VENV)/.installed
	$(PIP) -e '.[test]'
	command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || \
	  { if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	    $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }
	touch $@

test: test-install
	$(BIN)/python -m pytest -q -ra

clean:
	rm -rf $(VENV) data/*.sqlite data/*.sqlite-* dashboard/static/vendor
