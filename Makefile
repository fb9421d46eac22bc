# claude-code-scheduler — developer commands. `make run` starts the product, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export NEXT_TELEMETRY_DISABLED := 1
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED := true

NODE_MODULES_STAMP := node_modules/.install-stamp

.PHONY: help install build typecheck lint format format-check test test-unit security check pipeline run clean

help: ## Show the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-16s %s\n", $$1, $$2}'

$(NODE_MODULES_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(NODE_MODULES_STAMP) ## Install dependencies (npm ci) when the lockfile changed

build: install ## Compile TypeScript to dist/
	npm run build --silent

typecheck: install ## Type-check everything (tsc --noEmit)
	npx tsc -p tsconfig.json --noEmit

lint: install ## ESLint with type-aware rules (fails on any finding, warnings included)
	npx eslint --max-warnings=0 .

format: install ## Format the code with Prettier
	npx prettier --write --log-level=warn .

format-check: install
	npx prettier --check .

test: build typecheck ## Run every test (installs what it needs)
	npx jest --maxWorkers=2

test-unit: install ## Unit tests only (fast)
	npx jest --maxWorkers=2 --testPathIgnorePatterns e2e-spec

security: install ## npm audit (prod, high), eslint-plugin-security, secretlint, gitleaks when installed
	@# npm audit exits 1 both for findings and when the registry's advisory service cannot be reached (offline, or a
	@# mirror that only serves GET). Findings always fail; an unreachable service is reported as a skip, not a pass,
	@# unless AUDIT_REQUIRED=1 (set it in CI with registry access).
	@out=$$(npm audit --omit=dev --audit-level=high 2>&1); rc=$$?; echo "$$out"; \
	if [ $$rc -ne 0 ]; then \
	  if [ "$(AUDIT_REQUIRED)" != 1 ] && grep -qE 'audit endpoint returned an error|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET' <<<"$$out"; then \
	    echo "npm audit: SKIPPED, the advisory service is unreachable (not a pass; AUDIT_REQUIRED=1 makes this fail)"; \
	  else exit $$rc; fi; \
	fi
	CCS_LINT_SCOPE=security npx eslint --max-warnings=0 .
	npx secretlint --maskSecrets "**/*"
	@if command -v gitleaks >/dev/null 2>&1; then gitleaks detect --source . --config .gitleaks.toml --no-banner --redact; else echo "gitleaks not installed: skipped (https://github.com/gitleaks/gitleaks#installing)"; fi

check: lint typecheck test security ## Everything CI could ask for

pipeline: format check ## Format, then all checks

run: build ## Start the local all-in-one product (gui mode on 127.0.0.1:5679)
	./bin/claude-code-scheduler gui -v

clean:
	rm -rf dist coverage
