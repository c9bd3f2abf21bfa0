# ChipLab: `make lab` opens the course, `make test` runs the whole suite.
# Both install what is missing first (system packages, then .venv from constraints.txt);
# with nothing changed, nothing is reinstalled.

VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.chiplab-installed
SYSSTAMP := build/.system-deps
PORT    ?= 8888
JOBS    ?= 2
PYTEST_ARGS ?=

.PHONY: lab test setup system venv lint strip constraints clean help liberty bench site hub

help:
	@echo "make lab    install what is missing, then open the course in JupyterLab"
	@echo "make test   install what is missing, then run the whole test suite"
	@echo "make lint   ruff over the Python code"
	@echo "make strip  strip outputs from every notebook"
	@echo "make liberty  re-characterize the sky130 cells with ngspice into chiplab/data/*.lib (~5 min)"
	@echo "make bench  run the benchmarks in bench/ and print their figures"
	@echo "make site   build the course website (offline) into build/site/html"
	@echo "make hub    run a JupyterHub for the course (docs/hub.md; HUB_MODE=demo|system, HUB_PORT=8000)"

setup: system venv

system: $(SYSSTAMP)
$(SYSSTAMP): scripts/install-system-deps.sh
	bash scripts/install-system-deps.sh
	@mkdir -p build && touch $@

venv: $(STAMP)
$(STAMP): requirements.txt constraints.txt pyproject.toml | $(SYSSTAMP)
	@test -x $(PY) || $$(bash scripts/find-python.sh) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade "pip==26.3"
	$(PY) -m pip install -q -r requirements.txt -c constraints.txt
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	$(VENV)/bin/jupyter labextension list 2>&1 | grep -q nbgrader || true
	@touch $@

lab: setup
	$(PY) -m chiplab.lab --port $(PORT) $(LAB_ARGS)

test: setup
	bash scripts/offline.sh $(PY) -m pytest -n $(JOBS) --dist loadfile -m "not network" $(PYTEST_ARGS)
	$(PY) -m pytest -m network $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check chiplab autograder tests bench deploy scripts

strip: venv
	$(VENV)/bin/nbstripout --keep-id course/*/*.ipynb labs/*/*.ipynb

constraints:
	rm -rf build/constraints-venv
	$$(bash scripts/find-python.sh) -m venv build/constraints-venv
	build/constraints-venv/bin/pip install -q -r requirements.txt
	build/constraints-venv/bin/pip freeze --exclude-editable | sed '/^chiplab/d' > constraints.txt.new
	@echo "wrote constraints.txt.new; review and move it over constraints.txt"

# A JupyterHub for the course: demo (one machine, a shared password CHIPLAB_HUB_PASSWORD, state in
# build/hub) or system (PAM logins, one Unix account per user; run as root). docs/hub.md has the details.
HUB_MODE ?= demo
HUB_PORT ?= 8000
hub: setup
	CHIPLAB_HUB_MODE=$(HUB_MODE) CHIPLAB_HUB_PORT=$(HUB_PORT) $(VENV)/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

site: setup
	$(PY) scripts/build_site.py --out build/site

liberty: setup
	$(PY) -m chiplab.charlib --out chiplab/data/sky130_chiplab__tt_025C_1v80.lib

bench: setup
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf build .pytest_cache
