# The two commands: `make demo` (set up, then run the main job on the embedded defaults) and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench-retrieval bench-encoders bench-classifier bench-flow bench-desk bench-reports bench-impersonation bench-media clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, pinned: an unpinned torch pulls gigabytes of CUDA wheels
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	bash scripts/ensure_test_services.sh ocr
	$(BIN)/saring demo

test: $(STAMP)
	bash scripts/ensure_test_services.sh
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench-retrieval: $(STAMP)
	$(BIN)/python -m eval.retrieval

bench-encoders: $(STAMP)
	$(BIN)/python -m eval.encoder_backends --budgets 512,1024,2048,4096 --threads 1,2

bench-classifier: $(STAMP)
	$(BIN)/python -m eval.classification

bench-flow: $(STAMP)
	$(BIN)/python -m eval.flow_throughput

bench-desk: $(STAMP)
	$(BIN)/python -m eval.desk_latency

bench-reports: $(STAMP)
	$(BIN)/python -m eval.report_intake

bench-impersonation: $(STAMP)
	$(BIN)/python -m eval.impersonation
bench-media: $(STAMP)
	bash scripts/ensure_test_services.sh ocr
	$(BIN)/python -m eval.ocr
	$(BIN)/python -m eval.image_dedup
	$(BIN)/python -m eval.media_e2e

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
