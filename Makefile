# Data with Care: the front door.
#   make book   set up .venv, then build the book with every notebook executed
#   make test   set up .venv, then run every test
# Everything else is below; `make help` lists it.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Workers for the test run: one per core unless told otherwise.
WORKERS ?= auto
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

# Browser, hub and spreadsheet-formula tests also need Chromium, LibreOffice Calc and two Node packages:
#   make setup-system   (as root: Debian's chromium and libreoffice-calc, npm ci from package-lock.json)

.PHONY: help setup setup-system book test test-editions test-fast lab bench data screenshots exercises learner-bundle learner-branch offline-bundle static-book worksheets fork-check lock strip lint clean

help:
	@echo "make book       build the book (every notebook executed) into _build/html"
	@echo "make test       run every test (notebooks, exercises, data, book, package)"
	@echo "make setup-system  install Chromium and LibreOffice Calc (Debian) and the pinned Node tools the browser, hub and spreadsheet tests use"
	@echo "make test-editions  make test again in each other shipped edition (a copy with the profile setting changed, then make data)"
	@echo "make test-fast  every test except the slow ones (book build, Binder environment, wheel install)"
	@echo "make lab        open JupyterLab on the course"
	@echo "make bench      run the speed and size benchmarks; results go to _build/bench/"
	@echo "make data       regenerate the shipped datasets from their seed"
	@echo "make screenshots  retake the screenshots: the spreadsheet companion in LibreOffice Calc, How to use in Chromium (make setup-system first)"
	@echo "make exercises  regenerate the student copies of the exercises"
	@echo "make learner-bundle  what learners get, no solutions, into _build/learner-bundle"
	@echo "make learner-branch  commit the learner bundle to the 'learner' branch (then: git push origin learner)"
	@echo "make offline-bundle  lessons, data and every wheel for laptops with no internet: _build/data-with-care-offline(.zip)"
	@echo "make static-book  the built book with its outputs, zipped: _build/data-with-care-book.zip"
	@echo "make worksheets  printable PDF worksheets for every hands-on activity: _build/worksheets/"
	@echo "make fork-check  list every leftover of another sector (names, words, pages) in a fork: FILE:LINE"
	@echo "make lock       re-pin requirements.txt and binder/requirements.txt"
	@echo "make strip      remove outputs from every notebook"
	@echo "make lint       ruff, codespell and the notebook checks"

setup: $(STAMP)

setup-system:
	bash .ci/install-system-deps

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Data with Care needs Python 3.11 or newer; you have " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --requirement requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	@touch $@

book: $(STAMP)
	DATAWITHCARE_ANSWERS_DIR=$(CURDIR)/_build/answers \
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going
	@echo
	@echo "The book is ready: open $(CURDIR)/_build/html/index.html in your browser."

# Each lesson runs twice: on the shipped data, then on another seed in the
# Binder environment. The first runs fill _build/.jupyter_cache, so the
# book build in the tests (and a later `make book`) runs no notebook again.
test: $(STAMP)
	@mkdir -p _build/bench
	@bash .ci/install-system-deps || echo "Without Chromium and the Node tools the browser and hub tests skip (under CI=true they fail): run 'make setup-system' as root."
	@start=$$(date +%s); \
	DATAWITHCARE_TEST_SUMMARY=$(CURDIR)/_build/bench/make-test-executions.txt \
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup; \
	echo "$$(( $$(date +%s) - start )) seconds, $$(date -u +%FT%TZ)" > _build/bench/make-test-seconds.txt

# Each other shipped edition, as the adapting guide tells a fork to check one:
# a copy in _build/editions/NAME, the profile setting changed, make data, make test.
test-editions: $(STAMP)
	$(BIN)/python tests/other_editions.py

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup -m "not slow"

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=.

bench: $(STAMP)
	$(BIN)/python -m benchmarks

data: $(STAMP)
	$(BIN)/python -m datawithcare.generate --out datasets
	$(BIN)/python -m datawithcare.official --xlsx book/telling-the-story/downloads/official-statistics-as-published.xlsx
	$(BIN)/python -m datawithcare.pilot_report
	$(BIN)/python -m datawithcare.spreadsheets --data datasets --out datasets/spreadsheets

# Screenshots: the spreadsheet companion in real LibreOffice Calc on a virtual screen (Xvfb),
# "How to use" in JupyterLab in Chromium. Not part of `make test`: it retakes the pictures.
screenshots: $(STAMP)
	$(BIN)/python tests/screenshots.py

exercises: $(STAMP)
	$(BIN)/python -m datawithcare.exercises generate

learner-bundle: $(STAMP)
	$(BIN)/python -m datawithcare.bundle build _build/learner-bundle

learner-branch: $(STAMP)
	$(BIN)/python -m datawithcare.bundle publish --branch learner

# The fallback ladder for the day (book/trainers/when-things-fail.md).
# OFFLINE_PLATFORMS="win_amd64 macosx_11_0_arm64" downloads wheels for other laptops.
OFFLINE_PLATFORMS ?=
offline-bundle: $(STAMP)
	$(BIN)/python -m datawithcare.bundle offline $(foreach p,$(OFFLINE_PLATFORMS),--platform $(p))

static-book: $(STAMP)
	@test -f _build/html/index.html || $(MAKE) book
	$(BIN)/python -m datawithcare.bundle static-book

worksheets: $(STAMP)
	$(BIN)/python -m datawithcare.worksheets pdf

# A fork's to-do list: every name and word of the old sector still in the course.
fork-check: $(STAMP)
	$(BIN)/python -m datawithcare.forkcheck

lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv==0.13.8
	$(BIN)/uv pip compile requirements.in --python-version 3.11 --no-header --annotation-style line -o requirements.txt
	$(BIN)/uv pip compile binder/requirements.in -c requirements.txt --python-version 3.11 --no-header --annotation-style line -o binder/requirements.txt

strip: $(STAMP)
	git ls-files '*.ipynb' | xargs $(BIN)/nbstripout --keep-id

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/codespell book notebooks datawithcare tests

clean:
	rm -rf _build .pytest_cache
