# Two commands do all the set-up:
#   make train   create .venv, install digitnet, train and evaluate the default model
#   make test    create .venv, install digitnet with its test tools, lint with ruff, check types with mypy,
#                run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DOCS_STAMP = $(VENV)/.docs-extra

.PHONY: train test install clean system-packages fashion-mnist handwriting reject-benchmark reject-dev bench packaged-model docs docs-quick

$(BIN)/digitnet: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/digitnet

train: install fashion-mnist
	$(BIN)/digitnet train
	$(BIN)/digitnet evaluate models/default.npz

test: install $(DOCS_STAMP) system-packages
	$(BIN)/ruff check src tests benchmarks scripts examples
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# the documentation site (docs/conf.py): Sphinx, sphinx-gallery and MyST, from the docs extra. `make test`
# needs them too: tests/test_docs.py builds the site in quick mode with warnings as errors
$(DOCS_STAMP): $(BIN)/digitnet pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,docs]'
	touch $@

# the full site, every example run in full (figures from the full runs): docs/_build/html
docs: $(DOCS_STAMP)
	$(BIN)/python -m sphinx -b html -W --keep-going docs docs/_build/html
	@echo "the site: docs/_build/html/index.html (or: $(BIN)/python -m http.server -d docs/_build/html)"

# what CI checks (tests/test_docs.py does the same into a temporary folder): examples in --quick form
docs-quick: $(DOCS_STAMP)
	DIGITNET_QUICK=1 $(BIN)/python -m sphinx -b html -W --keep-going docs docs/_build/html-quick

# Chromium for the browser tests (needs root; see the script)
system-packages: install
	scripts/apt-install.sh chromium dataset-fashion-mnist

# the default recipe trains on pictures from Fashion-MNIST as negatives (docs/reject.md): Debian's package
fashion-mnist:
	scripts/apt-install.sh dataset-fashion-mnist

# accuracy on digits that are not from MNIST: MNIST-style preparation vs a naive resize (docs/handwriting.md), for
# HANDWRITING_MODEL (default models/default.npz, the one `make train` writes; the README's row is the packaged model's,
# HANDWRITING_MODEL=src/digitnet/models/default.npz); the fonts its test digits are drawn with come from Debian (needs root)
HANDWRITING_MODEL ?= models/default.npz
handwriting: install
	scripts/apt-install.sh $$($(BIN)/python benchmarks/handwriting/make_digits.py --list-packages)
	$(BIN)/python benchmarks/handwriting/measure.py $(HANDWRITING_MODEL)

# what the reject option's measuring sets need from Debian: Fashion-MNIST, and the fonts of the handwriting set and
# of the held-out non-digits
REJECT_PACKAGES = dataset-fashion-mnist $$($(BIN)/python benchmarks/handwriting/make_digits.py --list-packages) \
	$$($(BIN)/python benchmarks/non_digits/make_non_digits.py --list-packages)

# "not a digit" (docs/reject.md): every target of the reject option measured on a model (REJECT_MODEL, default
# models/default.npz, the one `make train` writes): Fashion-MNIST from Debian, the fonts of the handwriting
# set and of the held-out non-digits (needs root); the benchmark draws the two sets (seed 1) if they are not there yet
REJECT_MODEL ?= models/default.npz
reject-benchmark: install
	scripts/apt-install.sh $(REJECT_PACKAGES)
	$(BIN)/python benchmarks/reject.py $(REJECT_MODEL) --kinds --plots runs/reject/plots --json runs/reject/figures.json

# the same on development sets (seeds 0 and 2: 1,200 handwritten digits and 800 non-digits, pooled), for choices
# that must not be made by looking at the seed-1 sets the targets are reported on (docs/reject.md, tenth round)
reject-dev: install
	scripts/apt-install.sh $(REJECT_PACKAGES)
	for s in 0 2; do \
		test -f runs/dev/handwriting-s$$s/labels.csv || $(BIN)/python benchmarks/handwriting/make_digits.py --seed $$s --count 600 --out runs/dev/handwriting-s$$s || exit 1; \
		test -f runs/dev/non-digits-s$$s/labels.csv || $(BIN)/python benchmarks/non_digits/make_non_digits.py --seed $$s --count 400 --out runs/dev/non-digits-s$$s || exit 1; \
	done
	$(BIN)/python benchmarks/reject.py $(REJECT_MODEL) --handwriting runs/dev/handwriting-s0 runs/dev/handwriting-s2 \
		--non-digits runs/dev/non-digits-s0 runs/dev/non-digits-s2 --kinds --frontier

# speed against PyTorch and scikit-learn (installed only for this; CPU build of PyTorch), see docs/performance.md
bench: install
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run_all.py

# the trained model inside the package (src/digitnet/models/default.npz): the default preset, seed 0
packaged-model: install fashion-mnist
	$(BIN)/python scripts/make_packaged_model.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache
	rm -rf docs/_build docs/auto_examples docs/zh/auto_examples docs/api/generated docs/sg_execution_times.rst
