# Quick start: `make demo` runs the end-to-end demo, `make test` runs the tests.
# Both create the virtual environment and install the schema kits first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench schemas pki clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

schemas: $(STAMP)
	$(BIN)/oots-gateway schemas install

# The scripted test PKI under var/pki (test CA, DE gateway, NL/AT peers; test keys only).
pki: $(STAMP)
	$(BIN)/python -m mocks.pki --out var/pki

# 1. the validation report of the official samples (oots-gateway demo);
# 2. the end-to-end demo: DE node + mocked NL/AT access points + EU common services as
#    separate processes on loopback, AS4 both ways with receipts (mocks/demo.py);
# 3. the WSP requester flow: EB + DSD discovery, preview at the NL/AT provider, evidence
#    delivered to the portal, with the timeline of each exchange (mocks/wsp/demo.py);
# 4. the DE provider flow: NL asks for a Handelsregister extract, preview and approval at
#    the DE node's preview space, PAdES-signed evidence back (mocks/de_registers/demo.py).
# 5. the Gewerbe assistant into DE: NL BV and AT GmbH register in Cottbus with their
#    register data fetched once-only (mocks/eu_peers/portals/demo.py; --keep to repeat by hand);
# 6. out of DE: a German GmbH registers at the NL and AT portals; its Handelsregister data
#    comes from our node over AS4 after preview (mocks/eu_peers/portals/abroad_demo.py).
demo: schemas
	$(BIN)/oots-gateway demo
	$(BIN)/python -m mocks.demo
	$(BIN)/python -m mocks.wsp.demo
	$(BIN)/python -m mocks.de_registers.demo --version v1.0
	$(BIN)/python -m mocks.de_registers.demo --version v2.0
	$(BIN)/python -m mocks.eu_peers.portals.demo
	$(BIN)/python -m mocks.eu_peers.portals.abroad_demo

test: schemas
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check $(wildcard gateway oots_audit tests bench mocks trust)
	$(BIN)/mypy $(addprefix -p ,$(wildcard gateway oots_audit))

bench: schemas
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
