# Two entry points: `make demo` (install + translate the shipped example) and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
GENERATED := output/.transflow/generated-tiny.argosmodel

.PHONY: demo test lint venv clean browser vnu axe

venv: $(VENV)/.installed

# torch first, from the exact CPU wheel: any other torch spec pulls gigabytes of CUDA. Where pip's
# index would serve the CUDA build (an ordinary machine), name the CPU index:
#   make demo TORCH_INDEX=https://download.pytorch.org/whl/cpu
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0 $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# An offline first run is not an error: the index's message goes to a log, the notice explains.
demo: venv
	@mkdir -p output
	@$(BIN)/transflow model list | grep -q '^\*' \
	  || $(BIN)/transflow model install 2>output/.model-install.log \
	  || { echo; echo '!!! No German→English model and no model index reachable (details: output/.model-install.log).'; \
	       echo '!!! Using the GENERATED TEST MODEL: its English is NOT a translation.'; echo; \
	       $(PY) -m transflow.testing.make_model $(GENERATED) && $(BIN)/transflow model install $(GENERATED); }
	$(BIN)/transflow translate
	@echo "drafts are in output/"

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# The browser test drives Debian's Chromium; install it where we may (CI runs as root).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null \
	  || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } \
	  || echo "note: chromium not installed; the browser test will be skipped"

# The W3C Nu HTML checker checks every kind of page (tests/test_site.py): npm's vnu-jar, pinned, kept
# inside the clone (.cache/vnu), run on Debian's Java (installed where we may, as in CI).
VNU_VERSION := 26.9.27
VNU_JAR := .cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar
vnu:
	@command -v java >/dev/null \
	  || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; } \
	  || echo "note: java not installed; the HTML checker test will be skipped"
	@command -v npm >/dev/null \
	  || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; } \
	  || echo "note: npm not installed; the HTML checker test will be skipped"
	@[ -f $(VNU_JAR) ] || { mkdir -p .cache/vnu && npm install --prefix .cache/vnu --no-save --no-audit --no-fund --silent vnu-jar@$(VNU_VERSION); } \
	  || echo "note: vnu-jar not installed; the HTML checker test will be skipped"

# axe-core, the accessibility rules, run inside Chromium on the same pages (pinned, in .cache/axe).
AXE_VERSION := 4.14.1
axe:
	@[ -f .cache/axe/node_modules/axe-core/axe.min.js ] || { command -v npm >/dev/null && mkdir -p .cache/axe \
	  && npm install --prefix .cache/axe --no-save --no-audit --no-fund --silent axe-core@$(AXE_VERSION); } \
	  || echo "note: axe-core not installed; the accessibility test will be skipped"

test: lint browser vnu axe
	$(BIN)/pytest

clean:
	rm -rf $(VENV)
