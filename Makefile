# The two commands of the README: `make lab` (teach) and `make test` (check everything).
# Both create and fill a virtual environment in .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test test-package test-notebooks parity execute benchmark clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

## lab: open JupyterLab on the notebook series
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

## test: package tests, then every notebook re-executed and compared by nbval (strict)
test: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m pytest tests notebooks --nbval --nbval-current-env \
		--nbval-sanitize-with notebooks/sanitize.cfg -q

test-package: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m pytest tests -q

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

## benchmark: training speed (initviz vs PyTorch where installed) and explorer redraw latency
benchmark: $(STAMP)
	$(BIN)/python benchmarks/bench_training.py
	$(BIN)/python benchmarks/bench_explorer.py

clean:
	rm -rf $(VENV)
