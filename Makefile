# Digest: the two commands are `make run` and `make test`; both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# Debian packages the app and its tests use: a CJK font so Chinese renders in the
# GUI and in PDFs; the X libraries Qt's xcb platform needs for a real window;
# poppler-utils, xvfb and imagemagick to look at PDFs and the window as a user does.
SYSTEM_PACKAGES := fonts-noto-cjk poppler-utils xvfb imagemagick \
	libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
	libxcb-render-util0 libxcb-xinerama0 libxcb-shape0 libxcb-randr0 libxcb-xkb1 \
	libegl1 libgl1
SHARED ?= $(abspath ../shared)

.PHONY: run test bench system-deps clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,bench]'
	rm -f $(VENV)/.installed-*
	touch $@

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages:$$missing"; \
	    (apt-get install -y -q --no-install-recommends $$missing >/dev/null 2>&1 || \
	     (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends $$missing >/dev/null)); \
	  else echo "note: missing system packages:$$missing (install them with apt-get)"; fi; \
	fi

run: system-deps $(STAMP)
	$(VENV)/bin/digest-app

test: system-deps $(STAMP)
	QT_QPA_PLATFORM=offscreen DIGEST_SHARED=$(SHARED) $(PY) -m pytest -q -p no:cacheprovider

bench: system-deps $(STAMP)
	@set -e; for b in benchmarks/*_bench.py benchmarks/*_eval.py benchmarks/soak.py; do \
	  echo "== $$b"; \
	  QT_QPA_PLATFORM=offscreen NLTK_DATA=$(SHARED)/nltk_data DIGEST_SHARED=$(SHARED) $(PY) $$b; \
	done

clean:
	rm -rf $(VENV) build *.egg-info
