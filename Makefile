# Two commands do all the set-up:
#   make train   create .venv, install digitnet, train and evaluate the default model
#   make test    create .venv, install digitnet with its test tools, run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: train test install clean

$(BIN)/digitnet: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/digitnet

train: install
	$(BIN)/digitnet train
	$(BIN)/digitnet evaluate models/default.npz

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache
