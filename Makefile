# Inflow — the two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Defined before the rules that list them: make expands prerequisites when it reads a rule.
TRANSLATIONS := resources/translations
TS_FILES     := $(TRANSLATIONS)/inflow_ru.ts $(TRANSLATIONS)/inflow_en.ts
QM_FILES     := $(TS_FILES:.ts=.qm)
UI_SOURCES    = $(shell find ui -name '*.py' -not -path '*/__pycache__/*' | LC_ALL=C sort)

.PHONY: run test lint typecheck unit bench screenshots translations qm clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) $(QM_FILES)
	$(VENV)/bin/inflow

lint: $(STAMP)
	$(VENV)/bin/ruff check app telephony ui tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy --strict app telephony

# One pytest worker per core (at most 4): each has its own servers, so they never share state.
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)

test: lint typecheck
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Translations (resources/README.md): `make translations` refreshes the .ts files from ui/ and
# builds the .qm files; `make run` only (re)builds a .qm whose .ts changed.

translations: $(STAMP)
	$(VENV)/bin/pyside6-lupdate -silent -locations relative $(UI_SOURCES) -ts $(TRANSLATIONS)/inflow_ru.ts
	$(VENV)/bin/pyside6-lupdate -silent -locations relative -pluralonly $(UI_SOURCES) -ts $(TRANSLATIONS)/inflow_en.ts
	$(MAKE) --no-print-directory qm

qm: $(QM_FILES)

$(TRANSLATIONS)/%.qm: $(TRANSLATIONS)/%.ts | $(STAMP)
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

# Pictures of every window with demo data, rendered offscreen to docs/screenshots/*.png.
screenshots: $(STAMP) $(QM_FILES)
	QT_QPA_PLATFORM=offscreen $(PY) -m tools.screenshots $(SCREENSHOTS_ARGS)

# Every benchmark runs even when an earlier one missed a target; the status is 1 if any missed.
bench: $(STAMP)
	@status=0; \
	$(PY) -m bench.run $(BENCH_ARGS) || status=1; \
	$(PY) -m bench.telegram $(BENCH_TELEGRAM_ARGS) || status=1; \
	$(PY) -m bench.ui_dialogs $(BENCH_UI_DIALOGS_ARGS) || status=1; \
	$(PY) -m bench.endpoint $(BENCH_ENDPOINT_ARGS) || status=1; \
	$(PY) -m bench.ui_reports $(BENCH_UI_REPORTS_ARGS) || status=1; \
	$(PY) -m bench.ui_mail $(BENCH_UI_MAIL_ARGS) || status=1; \
	$(PY) -m bench.mail $(BENCH_MAIL_ARGS) || status=1; \
	$(PY) -m bench.softphone $(BENCH_SOFTPHONE_ARGS) || status=1; \
	exit $$status

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
