# landcheck: the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DIR ?= landcheck-demo

.PHONY: demo test lint bench bench-quick bytecode clean browser libreoffice postgis qgis qgis-plugin

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Runtime install: the package and its dependencies.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# Development install: adds the test, lint and notebook tools.
$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/landcheck demo -o $(DEMO_DIR) --overwrite

# Headless Chromium for tests/test_report_browser.py (report.html opened offline): Debian's
# package, installed when it is missing and we are root. Never fails: without a browser the
# browser tests are skipped with the reason.
browser:
	@if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
		&& command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the browser tests"; \
		( apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
			>/dev/null ) || echo "chromium could not be installed: the browser tests will be skipped"; \
	fi

# LibreOffice Writer (no GUI), poppler's pdftotext/pdftoppm, a CJK font and fonts metrically
# equal to Times New Roman/Arial for tests/test_report_docx.py (report.docx converted to PDF
# headless), and LibreOffice Calc (no GUI) for tests/test_report_xlsx_xml.py (report.xlsx read
# back by LibreOffice): Debian's packages, installed when one is missing and we are root. Never
# fails: without them those tests are skipped with the reason.
libreoffice:
	@if { ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 \
		|| [ ! -e /usr/lib/libreoffice/program/libsclo.so ] \
		|| [ -z "$$(fc-list :lang=zh 2>/dev/null)" ]; } && [ "$$(id -u)" = 0 ] \
		&& command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's libreoffice-writer-nogui and -calc-nogui, poppler-utils and fonts for the Word and XLSX report tests"; \
		( apt-get -o DPkg::Lock::Timeout=600 update -qq \
			&& DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
				--no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui \
				poppler-utils fonts-noto-cjk \
				fonts-liberation2 >/dev/null ) \
			|| echo "LibreOffice could not be installed: the LibreOffice tests will be skipped"; \
	fi

# QGIS for tests/test_qgis_plugin.py (the Processing provider run by headless qgis_process):
# Debian's qgis and python3-qgis, installed when missing and we are root. Never fails: without
# QGIS the plugin tests are skipped with the reason.
qgis:
	@if ! command -v qgis_process.bin >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
		&& command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's qgis and python3-qgis for the QGIS plugin tests"; \
		( apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			qgis python3-qgis >/dev/null ) \
			|| echo "QGIS could not be installed: the QGIS plugin tests will be skipped"; \
	fi

# The QGIS plugin (qgis_plugin/landcheck: Processing provider "landcheck") for the current
# user: copied into the QGIS profile, told to run this checkout's .venv (config.ini), and
# enabled with Debian's qgis_process.bin (the /usr/bin/qgis_process wrapper passes an option
# 3.22 does not know). QGIS_CONFIG is the QGIS settings folder (QGIS_CUSTOM_CONFIG_PATH when
# set); the plugin goes into its default profile.
QGIS_CONFIG ?= $(or $(QGIS_CUSTOM_CONFIG_PATH),$(HOME)/.local/share/QGIS/QGIS3)
QGIS_PROCESS ?= qgis_process.bin
QGIS_PLUGIN_DIR = $(QGIS_CONFIG)/profiles/default/python/plugins/landcheck
QGIS_PLUGIN_FILES = $(wildcard qgis_plugin/landcheck/*.py) qgis_plugin/landcheck/metadata.txt \
	qgis_plugin/landcheck/icon.svg

qgis-plugin: $(VENV)/.installed
	@mkdir -p "$(QGIS_PLUGIN_DIR)"
	@cp $(QGIS_PLUGIN_FILES) "$(QGIS_PLUGIN_DIR)/"
	@printf '[landcheck]\nenvironment = %s\n' "$(abspath $(VENV))" > "$(QGIS_PLUGIN_DIR)/config.ini"
	@echo "landcheck plugin installed in $(QGIS_PLUGIN_DIR) (runs $(abspath $(BIN))/landcheck)"
	@if command -v $(QGIS_PROCESS) >/dev/null 2>&1; then \
		said=$$(QT_QPA_PLATFORM=offscreen QGIS_CUSTOM_CONFIG_PATH="$(QGIS_CONFIG)" \
			$(QGIS_PROCESS) plugins enable landcheck 2>&1); \
		if [ $$? = 0 ] || echo "$$said" | grep -q "already enabled"; then \
			echo "enabled: Processing Toolbox > landcheck (check, compare, avoid)"; \
		else \
			echo "$$said" | tail -n 3; \
			echo "$(QGIS_PROCESS) could not enable the plugin: enable it in QGIS, Plugins > \
Manage and Install Plugins > Installed > landcheck"; exit 1; \
		fi; \
	else \
		echo "$(QGIS_PROCESS) not found: enable the plugin in QGIS, Plugins > Manage and \
Install Plugins > Installed > landcheck"; \
	fi

test: $(VENV)/.dev-installed browser libreoffice qgis postgis
	$(BIN)/ruff check .
	$(BIN)/ruff format --check --quiet .
	$(BIN)/python -m pytest

# Benchmarks, not part of `make test`: synthetic data is generated once into benchmarks/data/
# (git-ignored); results go to benchmarks/results/. bench-quick: a county, a few minutes;
# bench: a province (1,000,000 parcels; generation ~1 min, the run ~25 min on 2 cores).
# The peers: DuckDB and its spatial extension from PyPI (the bench extra), PostGIS from Debian.
$(VENV)/.bench-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	touch $@ $(VENV)/.installed

# Debian's PostGIS for tests/test_postgis_source.py (PostGIS tables as layer sources, against a
# throwaway server) and the benchmark's PostGIS peer, installed when missing and we are root.
# Never fails: without it those tests and the benchmark skip PostGIS and say why.
postgis:
	@if ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian's postgresql-15-postgis-3 for the PostGIS tests and peer"; \
			( apt-get -o DPkg::Lock::Timeout=600 update -qq \
				&& DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install \
					-y -qq postgresql-15-postgis-3 >/dev/null ) \
				|| echo "PostGIS could not be installed: its tests and the benchmark will skip it"; \
		else \
			echo "no PostGIS (as root: apt-get install postgresql-15-postgis-3): its tests and the benchmark will skip it"; \
		fi; \
	fi

# landcheck's modules are compiled to bytecode first, as installing a wheel does: where
# PYTHONDONTWRITEBYTECODE is set (as on the machine benchmarks/README.md was measured on), an
# editable install compiles every module again in every fresh process (the command's and the
# one its worker processes are forked from): 0.2-0.5 s a command.
bytecode: $(BIN)/python
	$(BIN)/python -m compileall -q landcheck >/dev/null

bench-quick: $(VENV)/.bench-installed postgis bytecode
	$(BIN)/python -m benchmarks.run quick

bench: $(VENV)/.bench-installed postgis bytecode
	$(BIN)/python -m benchmarks.run full

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .ruff_cache
