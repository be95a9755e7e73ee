# huiben: `make demo` builds a sample book, `make test` runs the whole test suite.
# Both create .venv and install what they need; run them from a fresh clone.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
# The CPU build of torch that lies on this kind of machine; a GPU user overrides it
# (see README: install the CUDA build first, then `make dev TORCH_SPEC=torch`).
TORCH_SPEC ?= torch==2.13.0
SAMPLE ?= samples/kite_day.txt
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test setup dev font clean bench

demo: setup font
	$(BIN)/huiben build $(SAMPLE) --renderer preview --out out/$(basename $(notdir $(SAMPLE)))

test: dev font
	$(BIN)/python -m pytest

setup: $(VENV)/.core
dev: $(VENV)/.dev

$(VENV)/.core: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.dev: pyproject.toml $(VENV)/.core
	$(BIN)/python -m pip install -q "$(TORCH_SPEC)"
	$(BIN)/python -m pip install -q -e ".[diffusion,dev]"
	touch $@

# A CJK TrueType font for the PDF (LXGW WenKai, 楷体) and poppler (page images of the PDF):
# installed with apt when missing; elsewhere the message says what to install.
font:
	@if { fc-list ':lang=zh:fontformat=TrueType' 2>/dev/null | grep -q . || [ -n "$$HUIBEN_FONT" ]; } \
	    && command -v pdftoppm >/dev/null; then \
	  echo "CJK TrueType font and poppler: ok"; \
	elif command -v apt-get >/dev/null; then \
	  echo "installing fonts-lxgw-wenkai (a CJK TrueType font) and poppler-utils with apt-get"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    fonts-lxgw-wenkai fontconfig poppler-utils >/dev/null; \
	else \
	  echo "No Chinese TrueType font or no poppler found. Install LXGW WenKai (https://github.com/lxgw/LxgwWenKai)"; \
	  echo "or WenQuanYi Zen Hei, and poppler, with your package manager; or set HUIBEN_FONT=/path/to/font.ttf"; \
	  exit 1; \
	fi

bench: dev font
	$(BIN)/python bench/storyboard_speed.py
	$(BIN)/python bench/layout_speed.py
	$(BIN)/python bench/prefect_overhead.py
	$(BIN)/python bench/diffusion_speed.py --size tiny --pages 8 --steps 4 --runs 1

clean:
	rm -rf $(VENV) out .pytest_cache
