# The two Quick start commands (README): `make run` and `make test`. Both install what is missing first.
.PHONY: run test setup lint boundaries-check

setup:
	@bash scripts/setup.sh

run: setup
	.venv/bin/spotcheck serve

test: setup
	.venv/bin/python -m pytest || { status=$$?; [ $$status -ne 5 ] || echo "pytest collected no tests" >&2; exit $$status; }

lint: setup
	.venv/bin/ruff check .

# Regenerate boundaries/ from the pinned upstream packages and compare byte for byte.
boundaries-check: setup
	uv sync --frozen --inexact --quiet --group boundaries
	.venv/bin/python -m boundaries.build --check
