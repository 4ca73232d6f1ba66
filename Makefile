# Two entry points for a fresh machine: `make run` (the editor on the demo song) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test venv bench clean scan-chart

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first and pinned: the CPU wheel is local; an unpinned torch pulls CUDA builds.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(PY) -m app

SCAN_CHART := ../shared/tools/scan-chart

# The independent chart reader the export tests check against (skipped when node is missing).
scan-chart:
	@if command -v npm >/dev/null 2>&1 && [ -d $(SCAN_CHART) ] && [ ! -d $(SCAN_CHART)/node_modules/scan-chart ]; then \
		(cd $(SCAN_CHART) && npm install --no-audit --no-fund --silent) || echo "scan-chart install failed: its tests will be skipped"; \
	fi

test: $(STAMP) scan-chart
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info
