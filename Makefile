# Two commands matter: `make run` (the bot) and `make test` (everything CI checks).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
MO     := locales/en/LC_MESSAGES/bot.mo locales/fr/LC_MESSAGES/bot.mo

# RELANCE_TEST_DATABASE_URL: the PostgreSQL database `make test-postgres` runs the suite on.
RELANCE_TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test test-postgres lint soak bench translations setup chromium clean

run: setup
	@$(BIN)/relance run

test: setup chromium
	$(BIN)/ruff check bot tests $(wildcard bench)
	$(BIN)/mypy
	$(BIN)/pytest -q

# The same suite on PostgreSQL (each test in a schema of its own); needs a server at the URL above.
test-postgres: setup chromium
	RELANCE_TEST_DATABASE_URL=$(RELANCE_TEST_DATABASE_URL) $(BIN)/pytest -q

soak: setup
	$(BIN)/pytest -q -m soak -p no:randomly

bench: setup
	$(BIN)/python -m bench

setup: $(STAMP) $(MO)

# Headless Chromium renders the reminder e-mail in the tests (tests/chromium.py). Installed from Debian
# when `make test` runs as root with apt-get; otherwise those tests are skipped and say why.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the e-mail layout tests..."; \
		apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 || \
		{ apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; } || \
		echo "Could not install chromium: the e-mail layout tests will be skipped."; \
	else \
		echo "chromium not found (as root: apt-get install chromium): the e-mail layout tests will be skipped."; \
	fi

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

locales/%/LC_MESSAGES/bot.mo: locales/%/LC_MESSAGES/bot.po $(STAMP)
	@$(BIN)/pybabel compile --domain=bot --directory=locales --locale=$* --use-fuzzy --statistics 2>&1 | grep -v "^compiling" || true

# Extract the strings from the code, merge them into each language, fill English from the source
# text, and compile. Then translate the new entries in locales/fr/LC_MESSAGES/bot.po.
translations: $(STAMP)
	$(BIN)/pybabel extract --mapping-file=babel.cfg --keywords=n_:1,2 --keywords=plain_n:1,2 --keywords=plain --keywords=N_ \
		--no-location --sort-output --project=Relance --output-file=locales/bot.pot bot
	$(BIN)/pybabel update --domain=bot --input-file=locales/bot.pot --output-dir=locales --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python -m bot.i18n_tools fill-source locales/en/LC_MESSAGES/bot.po
	$(BIN)/python -m bot.i18n_tools french-typography locales/fr/LC_MESSAGES/bot.po
	$(BIN)/pybabel compile --domain=bot --directory=locales --statistics

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
