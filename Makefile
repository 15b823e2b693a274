# landcheck: the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DIR ?= landcheck-demo

.PHONY: demo test lint bench bench-quick clean browser libreoffice postgis

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
# headless): Debian's packages, installed when one is missing and we are root. Never fails:
# without them those tests are skipped with the reason.
libreoffice:
	@if { ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 \
		|| [ -z "$$(fc-list :lang=zh 2>/dev/null)" ]; } && [ "$$(id -u)" = 0 ] \
		&& command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's libreoffice-writer-nogui, poppler-utils and fonts for the Word report tests"; \
		( apt-get -o DPkg::Lock::Timeout=600 update -qq \
			&& DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
				--no-install-recommends libreoffice-writer-nogui poppler-utils fonts-noto-cjk \
				fonts-liberation2 >/dev/null ) \
			|| echo "LibreOffice could not be installed: the Word-to-PDF tests will be skipped"; \
	fi

test: $(VENV)/.dev-installed browser libreoffice
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

# Debian's PostGIS for the benchmark's PostGIS peer, installed when missing and we are root.
# Never fails: without it the benchmark skips PostGIS and says why.
postgis:
	@if ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian's postgresql-15-postgis-3 for the PostGIS peer"; \
			( apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				postgresql-15-postgis-3 >/dev/null ) \
				|| echo "PostGIS could not be installed: the benchmark will skip it"; \
		else \
			echo "no PostGIS (as root: apt-get install postgresql-15-postgis-3): the benchmark will skip it"; \
		fi; \
	fi

bench-quick: $(VENV)/.bench-installed postgis
	$(BIN)/python -m benchmarks.run quick

bench: $(VENV)/.bench-installed postgis
	$(BIN)/python -m benchmarks.run full

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .ruff_cache
