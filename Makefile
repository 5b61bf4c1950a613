# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make demo   build the virtualenv, serve the replica portal, crawl it into data/muninews.db
#   make test   build the virtualenv and run the whole test suite (two workers: pytest-xdist)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/muninews demo

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

serve: $(STAMP)
	$(BIN)/muninews serve

clean:
	rm -rf $(VENV) data/*.db data/*.db-* data/*.lock data/*.log
