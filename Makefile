# `make run` and `make test` set everything up on a fresh machine (Python, Node and apt only).
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STATIC  := src/palabre/web/static

.PHONY: run test lint typecheck pytest client deps-system deps-bench bench clean

# The editable install compiles palabre.media.mmsg (batched UDP I/O) in place: a C compiler
# and Python's headers, installed here when missing (without them the build still succeeds and
# the media socket runs its pure-Python path).
$(BIN)/palabre: pyproject.toml setup.py src/palabre/media/mmsg.c
	@command -v cc >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q gcc; } || true
	@$(PY) -c "import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))" \
	  || { apt-get update -q && apt-get install -y -q python3-dev; } || true
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# The browser client (client/), built into the package's static files (skipped until client/ has one).
client: $(BIN)/palabre
	@if [ -f client/package.json ]; then \
	  cd client && (npm ci --no-audit --no-fund || npm install --no-audit --no-fund) && \
	  PYTHON=$(abspath $(BIN))/python npm run build; \
	fi

# Debian packages the tests need: Chromium, Firefox ESR and WebKitGTK's driver for the browser
# tests (docs/browsers.md; Firefox is driven by puppeteer-core from client/node_modules, which
# downloads no browser; Xvfb gives it a screen to share), nftables for the network-namespace
# tests (tests/netns) that block UDP, PostgreSQL for the persistence tests
# (tests/postgres_server.py starts a private server), Redis for the live bus across processes,
# ffmpeg for a meeting recording's composed file (docs/recording.md).
deps-system:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q chromium; }
	@command -v firefox-esr >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q firefox-esr; }
	@command -v Xvfb >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q xvfb; }
	@command -v WebKitWebDriver >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q webkit2gtk-driver; }
	@command -v nft >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q nftables; }
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q postgresql; }
	@command -v redis-server >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q redis-server; }
	@command -v pandoc >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q pandoc; }
	@command -v pdftotext >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q poppler-utils; }
	@ldconfig -p | grep -q libpangoft2-1.0 || { apt-get update -q && apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0; }
	@command -v litmus >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q litmus; }
	@command -v rclone >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q rclone; }
	@command -v vdirsyncer >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q vdirsyncer; }
	@command -v ffmpeg >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q ffmpeg; }

run: $(BIN)/palabre client
	$(BIN)/palabre serve

lint: $(BIN)/palabre
	$(BIN)/ruff check src tests bench setup.py
	$(BIN)/ruff format --check src tests bench setup.py

typecheck: $(BIN)/palabre
	$(BIN)/mypy

# Three phases, by what a test needs of the machine (tests/conftest.py's docstring): first the
# tests that share it, on two processes; then the media tests that check only that media flows,
# two at a time (`pairs`); then those with a loss, freeze, rate, CPU or memory threshold, one at
# a time with nothing beside them (`alone`: run beside the first phase, the browsers' media
# stalled). Every phase runs whatever the ones before gave, so one CI run reports every
# failure; exit status 5 is a phase with no test (PYTEST_ARGS=tests/media etc. runs a part).
PYTEST := $(BIN)/pytest -q -p no:cacheprovider --durations=15
pytest: $(BIN)/palabre client deps-system
	shared=0; pairs=0; alone=0; \
	$(PYTEST) -n 2 -m "not pairs and not alone" $(PYTEST_ARGS) || shared=$$?; \
	$(PYTEST) -n 2 -m pairs $(PYTEST_ARGS) || pairs=$$?; \
	$(PYTEST) -m alone $(PYTEST_ARGS) || alone=$$?; \
	for s in $$shared $$pairs $$alone; do [ $$s -eq 0 ] || [ $$s -eq 5 ] || exit 1; done

test: lint typecheck pytest

# Janus Gateway (Debian package), the SFU `make bench` measures Palabre against; nginx, the
# ceiling bench/files.py measures Palabre's uploads and downloads against.
deps-bench:
	@test -x /usr/bin/janus || { apt-get update -q && apt-get install -y -q janus; }
	@test -x /usr/sbin/nginx || { apt-get update -q && apt-get install -y -q nginx; }

# Palabre and Janus under the same bot load (bench/compare.py; results in bench/RESULTS.md).
# --nice -10 gives the run its own scheduler session (root); BENCH_ARGS="--duration 10" etc.
bench: $(BIN)/palabre deps-bench
	$(BIN)/python bench/compare.py --nice -10 --plot bench/results.png $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(STATIC) client/node_modules
