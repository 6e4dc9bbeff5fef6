# cybercrime-crackdowns — build the dataset, test the pipeline.
# Every target installs the Node dependencies first when node_modules is missing or stale.
SEEDS ?= seeds
OUT   ?= out
N     ?= 100000
BIN   := node_modules/.bin
DEPS  := node_modules/.installed
# The pipeline compiled to JavaScript (dist/, not committed): a build then starts no TypeScript loader
# in its process or its worker threads. Compiled again whenever a source, a folder of sources (a file
# added or removed, even with an old mtime) or the compiler settings change; compiled into dist.tmp/
# and swapped in, so a build already running from dist/ never sees it half-written. The stamp keeps
# the time the compilation started: a source saved meanwhile is compiled again next time.
COMPILED := dist/.compiled
PIPELINE_SOURCES := $(shell find pipeline -name '*.ts') $(shell find pipeline -type d) bench/floor.ts

.DEFAULT_GOAL := help
.PHONY: help dataset test typecheck clean bench release

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'
	@echo "  variables: SEEDS=$(SEEDS) OUT=$(OUT) N=$(N) (bench corpus size)"

$(DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(COMPILED): $(DEPS) $(PIPELINE_SOURCES) tsconfig.json tsconfig.build.json
	@rm -rf dist.tmp && mkdir dist.tmp && touch dist.tmp/.compiled
	$(BIN)/tsc -p tsconfig.build.json --outDir dist.tmp
	@rm -rf dist && mv dist.tmp dist

dataset: $(COMPILED) ## Build the dataset from SEEDS into OUT/dataset (CSV, Parquet, datapackage.json, card)
	node dist/pipeline/build.js --seeds "$(SEEDS)" --out "$(OUT)"

# The linear-work checks compare run times at sizes n and 4n, so they run alone, after the rest
# (the kill test and the builds would otherwise share the two cores with them).
LINEAR_TESTS := tests/hostile.linear.test.ts

test: $(DEPS) typecheck ## Type-check and run every test (unit, fixtures, end-to-end against the seed gold)
	$(BIN)/vitest run --exclude $(LINEAR_TESTS)
	$(BIN)/vitest run $(LINEAR_TESTS)

typecheck: $(DEPS) ## tsc --noEmit over pipeline/, tests/ and bench/
	$(BIN)/tsc --noEmit -p .

bench: $(DEPS) ## Time full, no-change and incremental builds on N synthetic articles (make bench N=20000)
	$(BIN)/tsx bench/run.ts --n $(N)

release: $(DEPS) ## Build a versioned, byte-reproducible release under OUT/release
	$(BIN)/tsx pipeline/release.ts --seeds "$(SEEDS)" --out "$(OUT)"

clean: ## Remove OUT (all build artifacts) and the compiled pipeline (dist/)
	rm -rf "$(OUT)" dist dist.tmp
