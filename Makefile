# Two entry points: `make demo` (install + translate the shipped example) and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
GENERATED := output/.transflow/generated-tiny.argosmodel

.PHONY: demo test lint venv clean

venv: $(VENV)/.installed

# torch first, from the exact CPU wheel: any other torch spec pulls gigabytes of CUDA.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

demo: venv
	@$(BIN)/transflow model list | grep -q '^\*' \
	  || $(BIN)/transflow model install \
	  || { echo; echo '!!! No German→English model and no model index reachable.'; \
	       echo '!!! Using the GENERATED TEST MODEL: its English is NOT a translation.'; echo; \
	       $(PY) -m transflow.testing.make_model $(GENERATED) && $(BIN)/transflow model install $(GENERATED); }
	$(BIN)/transflow translate
	@echo "drafts are in output/"

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV)
