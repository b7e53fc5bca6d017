# Every target bootstraps .venv first, so a fresh clone needs only `make run` or `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench package clean hub hub-stop

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	bash .ci/system-deps
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# encrypt: the opt-in at-rest encryption (sqlcipher3), so its tests run here too
	$(BIN)/python -m pip install --quiet -e '.[dev,encrypt]'
	$(BIN)/python -m compileall -q desktop
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/yibao-desk

# Lint first so pytest's summary is the last thing the run prints.
test: $(STAMP)
	$(BIN)/ruff check desktop tests
	$(BIN)/lint-imports --no-cache
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# make bench [QUICK=1] [PROFILE=1]: see bench/README.md. PROFILE installs pyinstrument (not a
# project dependency) and writes bench/cache/profile-*.txt.
bench: $(STAMP)
	$(if $(PROFILE),$(BIN)/python -m pip install --quiet pyinstrument,)
	@# Bytecode as an installed program has it (pip and PyInstaller compile it), even where
	@# PYTHONDONTWRITEBYTECODE keeps Python from writing it at first import.
	$(BIN)/python -m compileall -q desktop
	$(BIN)/python -m bench $(if $(QUICK),--quick,) $(if $(PROFILE),--profile,)

# make hub: a local PostgreSQL hub to try sync out (data under .hub/; a county runs its own
# server, see the README's "The hub"). Prints the admin URL for `yibao-desk hub add-node`.
hub: $(STAMP)
	$(BIN)/python -m desktop.hub.local_server .hub

hub-stop: $(STAMP)
	$(BIN)/python -m desktop.hub.local_server .hub --stop

# make package: PyInstaller one-folder build into dist/yibao-desk/, then the bundle's own test.
# PyInstaller is installed here only, so `make test` stays lean.
package: $(STAMP)
	$(BIN)/python -m pip install --quiet 'pyinstaller>=6.5'
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller packaging/yibao-desk.spec
	YIBAO_DESK_BUNDLE_CHECK=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/packaging -p no:cacheprovider -q -rs

clean:
	rm -rf $(VENV) build dist
