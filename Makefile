# The two commands of the README: `make lab` (teach) and `make test` (check everything).
# Both create and fill a virtual environment in .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab frameworks test test-fast test-package test-notebooks parity execute benchmark clean assets slides html app lite

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# JupyterLab and Voila refuse to run as root unless told to (CI machines run as root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
ASSETS := node_modules/.package-lock.json

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(ASSETS)

# The JupyterLite build tools in their own environment (lite/requirements.txt says why).
LITE_VENV  := $(VENV)/lite
LITE_STAMP := $(LITE_VENV)/.installed

$(LITE_STAMP): lite/requirements.txt
	@test -x $(LITE_VENV)/bin/python || $(PYTHON) -m venv $(LITE_VENV)
	$(LITE_VENV)/bin/python -m pip install --quiet -r lite/requirements.txt
	@touch $(LITE_STAMP)

# Lessons 11 and 12 run PyTorch and Keras (the torch and keras extras, the parity versions):
# installed by make test, so that nbval runs them strictly; for teaching, `make frameworks`
# (an extra: on Linux install PyTorch's CPU build first, README).
FRAMEWORKS := $(VENV)/.frameworks

$(FRAMEWORKS): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,torch,keras]"
	@touch $(FRAMEWORKS)

## lab: open JupyterLab on the notebook series
lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/

## test: package tests, every notebook re-executed and compared by nbval (strict), and the
## browser tests (JupyterLab, Voila, offline decks and pages in Chromium; skipped, saying why,
## where Chromium, Playwright or npm is missing); the JupyterLite site is built and opened too
test: $(STAMP) $(FRAMEWORKS) $(LITE_STAMP) $(if $(shell command -v npm 2>/dev/null),$(ASSETS))
	MPLBACKEND=Agg KERAS_BACKEND=torch $(BIN)/python -m pytest tests initviz notebooks --doctest-modules \
		--nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg -q -rs \
		--durations=30

## test-fast: the inner loop (under a minute): package tests and docstring examples, without
## the slow statistical tests, the notebooks and the browser
test-fast: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m pytest tests initviz --doctest-modules -m "not slow" \
		--ignore=tests/browser --ignore=tests/parity -q

test-package: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m pytest tests initviz --doctest-modules -q

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest notebooks --nbval --nbval-current-env \
		--nbval-sanitize-with notebooks/sanitize.cfg -q

## parity: initializers sampled side by side with PyTorch's nn.init and Keras 3's (optional)
parity: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,parity]"
	KERAS_BACKEND=torch $(BIN)/python -m pytest tests/parity -q

## execute: re-run every notebook top to bottom, in place, to refresh the stored outputs
execute: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=python3 \
		notebooks/[0-9][0-9]_*.ipynb $(wildcard notebooks/solutions/*.ipynb)
	# one output block per print stream: the kernel splits a cell's prints at random moments,
	# and each piece would show as its own block (taller slides; diffs that mean nothing)
	$(BIN)/jupyter nbconvert --to notebook --inplace --CoalesceStreamsPreprocessor.enabled=True \
		notebooks/[0-9][0-9]_*.ipynb $(wildcard notebooks/solutions/*.ipynb)

## benchmark: training speed (initviz vs PyTorch where installed) and explorer redraw latency
benchmark: $(STAMP)
	$(BIN)/python benchmarks/bench_training.py
	$(BIN)/python benchmarks/bench_explorer.py

## assets: local reveal.js, require.js, jQuery and MathJax for the offline decks and pages (npm)
assets: $(ASSETS)

## slides: one offline reveal.js deck per lesson, and the one-lecture deck of the guide's
## 50-minute route (one_lecture.slides.html), in build/slides/ (open build/slides/index.html)
slides: $(STAMP) $(ASSETS)
	$(BIN)/python scripts/build_slides.py

## html: the series as static HTML pages in build/html/ (open build/html/index.html)
html: $(STAMP) $(ASSETS)
	$(BIN)/python scripts/export_html.py

## app: the playground as a stand-alone app (Voila), opened in the browser
app: $(STAMP)
	$(BIN)/voila notebooks/07_playground.ipynb

## frameworks: PyTorch and Keras for lessons 11 and 12 (on Linux, install torch's CPU build first)
frameworks: $(FRAMEWORKS)

## lite: the whole series as a static JupyterLite site in build/lite/, run in the browser by
## Pyodide (serve it: python3 -m http.server -d build/lite; README "Open the series in your browser")
lite: $(STAMP) $(LITE_STAMP) $(ASSETS)
	$(BIN)/python scripts/build_lite.py

clean:
	rm -rf $(VENV) build node_modules
