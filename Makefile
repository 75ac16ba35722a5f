# threecx.xapi developer tasks.
#
#   make demo   provision Call Flow Apps on the bundled XAPI simulator (check, apply, apply again)
#   make test   every check CI runs: lint, sanity, units, simulator, contract, integration,
#               the older ansible-core lines, molecule, build; ends with a plain pytest run
#
# Nothing needs to be installed first: the tools go into a venv under .work/ (gitignored),
# made from Python 3.13 or 3.12 (ansible-core 2.20+ needs 3.12 on the controller).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-print-directory

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
WORK := $(ROOT)/.work
VENV := $(WORK)/venv
PY := $(VENV)/bin/python
PYBIN := $(WORK)/pybin
# symlink to the source tree, for ansible-lint, molecule, the demo and the docs
COLLECTIONS := $(WORK)/collections
# ansible-test needs a real .../ansible_collections/<namespace>/<name> path: a copy
NAMESPACE := $(shell sed -n 's/^namespace: *//p' $(ROOT)/galaxy.yml | tr -d "\"' ")
NAME := $(shell sed -n 's/^name: *//p' $(ROOT)/galaxy.yml | tr -d "\"' ")
FQCN := $(NAMESPACE).$(NAME)
TESTCOPY := $(WORK)/ansible-test/ansible_collections/$(NAMESPACE)/$(NAME)
MODULES = $(sort $(basename $(notdir $(filter-out %/__init__.py,$(wildcard $(ROOT)/plugins/modules/*.py)))))

# Pythons: pyenv's real interpreters (its shims fail for versions that are not global)
# (PYENV_ROOT, `pyenv root`, the folder of the pyenv on PATH, ~/.pyenv: the first one with versions/)
PYENV_ROOT := $(shell for d in "$${PYENV_ROOT:-}" "$$(pyenv root 2>/dev/null)" \
  "$$(p=$$(command -v pyenv) && dirname "$$(dirname "$$(readlink -f "$$p")")")" "$${HOME:-}/.pyenv" /root/.pyenv; do \
  [ -n "$$d" ] && [ -d "$$d/versions" ] && { echo "$$d"; break; }; done)
# ansible-test 2.21 tests modules on 3.9-3.14; every one the machine has goes into $(PYBIN)
TEST_PYTHONS := 3.9 3.10 3.11 3.12 3.13 3.14
# $(call find_python,3.12): the real interpreter of a working python3.12 (pyenv first, then PATH; a
# shim resolves to what it runs); empty if none
find_python = $(shell \
  for p in $$(ls -d $(PYENV_ROOT)/versions/$(1).*/bin/python$(1) 2>/dev/null | sort -V -r) $$(command -v python$(1) 2>/dev/null); do \
    "$$p" -c 'import sys; assert sys.version_info[:2] == tuple(map(int, "$(1)".split("."))); print(sys.executable)' \
      2>/dev/null && break; \
  done)
CONTROLLER_PYTHON ?= $(or $(call find_python,3.13),$(call find_python,3.12))

SIM := $(ROOT)/tests/simulator
WITH_SIM := $(PY) $(SIM)/with_simulator.py --quiet
RECORDS := $(WORK)/contract/integration.jsonl

# every tool from the venv; ansible's own loader finds the collection through the symlink
export PATH := $(PYBIN):$(VENV)/bin:$(PATH)
export VIRTUAL_ENV := $(VENV)
ifdef CI
export ANSIBLE_NOCOLOR := 1
export PY_COLORS := 0
export NO_COLOR := 1
endif
export PIP_DISABLE_PIP_VERSION_CHECK := 1
CONTROLLER_VERSION = $(shell $(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
COLLECTION_ENV := ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS)
ANSIBLE_TEST := cd $(TESTCOPY) && ansible-test
ANSIBLE_TEST_OPTS := --color $(if $(CI),no,auto)

step = @printf '\n=== [%s] %s\n' "$$(date +%T)" "$(1)"
# $(call pytest_in,DIR[,ENV]): plain pytest on DIR
pytest_in = cd $(ROOT) && $(2) $(PY) -m pytest -q -p no:cacheprovider $(1)

# The older ansible-core release lines (tests/ansible-core-matrix.txt): one venv each under .work/matrix
MATRIX_FILE := $(ROOT)/tests/ansible-core-matrix.txt
MATRIX := $(shell sed 's/\#.*//' $(MATRIX_FILE) | awk 'NF {print $$1}')
# $(call matrix_field,VERSION,N): field N of the line of VERSION (2: its Python, 3: "integration" or empty)
matrix_field = $(shell sed 's/\#.*//' $(MATRIX_FILE) | awk '$$1 == "$(1)" {print $$$(2)}')
MATRIX_INTEGRATION := $(shell sed 's/\#.*//' $(MATRIX_FILE) | awk '$$3 == "integration" {print $$1}')
# the oldest line also runs the modules on the Pythons below the collection's floor (tests/packaging)
OLDEST_LINE := $(firstword $(MATRIX))
OLD_PYTHONS = $(strip $(foreach v,2.7 3.6 3.7 3.8,$(call find_python,$(v))))
REQUESTS_PIN := $(shell grep -m1 '^requests==' $(ROOT)/requirements-dev.txt)

# BENCH_ARGS: e.g. BENCH_ARGS='--sizes 100' for a quick run (then the report goes to .work/performance.md)
BENCH_ARGS ?=

.PHONY: help demo test bench mutation mutation-sample lint sanity units simulator-tests contract integration matrix molecule docs build clean \
        venv tools getpip testcopy final-pytest

help:
	@echo "make demo             provision Call Flow Apps on the XAPI simulator: --check --diff, apply, apply again"
	@echo "make test             lint sanity units integration molecule build, then every pytest suite"
	@echo "make lint             ansible-lint, profile production, offline"
	@echo "make sanity           ansible-test sanity on every Python the machine has (no ignore files)"
	@echo "make units            ansible-test units --venv on every Python"
	@echo "make simulator-tests  pytest tests/simulator"
	@echo "make contract         pytest tests/contract (the simulator against the official OpenAPI document)"
	@echo "make integration      ansible-test integration against the simulator, then the contract test on its traffic"
	@echo "make matrix           the older ansible-core lines: sanity and units each, integration on the oldest"
	@echo "                      (tests/ansible-core-matrix.txt; make matrix-2.16.19 for one line)"
	@echo "make molecule         molecule test (extensions/molecule/default)"
	@echo "make docs             generate the typed modules and docs/entities.md from the registry, render docs/modules/*.md"
	@echo "make build            galaxy build + install into .work + ansible-doc of every module"
	@echo "make mutation         mutation testing (mutmut) of plugins/ against tests/unit; scores -> docs/quality.md (about an hour)"
	@echo "make mutation-sample  mutation testing of plugins/module_utils/odata.py, which must keep 90 % (part of make test)"
	@echo "make bench            call flow app ways at N=100,500,2000, an entity task against a callflow_app task, a whole PBX"
	@echo "                      (pbx, pbx_export, typed-module loops), the simulator -> docs/performance.md (about an hour);"
	@echo "                      BENCH_ARGS='--sizes 100 --pbx-scale 0.1' for a quick run -> .work/performance.md"
	@echo "make clean            remove .work and generated files"

# ---------------------------------------------------------------- set-up
venv: $(VENV)/.installed
tools: $(VENV)/.installed $(PYBIN)/.linked $(COLLECTIONS)/ansible_collections/$(NAMESPACE)/$(NAME)

$(VENV)/.installed: $(ROOT)/requirements-dev.txt
	@if [ -z "$(CONTROLLER_PYTHON)" ]; then \
	  echo "No Python 3.13 or 3.12 found (looked in $(PYENV_ROOT)/versions and on PATH)." >&2; \
	  echo "ansible-core 2.20+ needs Python >= 3.12 on the controller; install one, or set CONTROLLER_PYTHON=/path/to/python3.12." >&2; \
	  exit 1; fi
	$(call step,venv $(VENV) from $(CONTROLLER_PYTHON))
	rm -rf $(VENV)
	$(CONTROLLER_PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r $(ROOT)/requirements-dev.txt
	@$(PY) -m pip list 2>/dev/null | grep -E '^(ansible-core|ansible-lint|molecule|pytest|openapi-core) '
	touch $@

$(PYBIN)/.linked:
	@mkdir -p $(PYBIN)
	@$(foreach v,$(TEST_PYTHONS),p="$(call find_python,$(v))"; [ -z "$$p" ] || ln -sfn "$$p" $(PYBIN)/python$(v);)
	@echo "test Pythons: $$(cd $(PYBIN) && ls python3.* | sort -V | tr '\n' ' ')"
	@touch $@

$(COLLECTIONS)/ansible_collections/$(NAMESPACE)/$(NAME):
	@mkdir -p $(dir $@)
	ln -sfn $(ROOT) $@

# ansible-test downloads a pip bootstrap script from a host this machine cannot reach;
# it looks in its cache first, so an offline stand-in goes there (named after the pip version it wants)
# $(call install_getpip,PYTHON): the stand-in for the ansible-test installed for PYTHON; the cache is shared
# with every other checkout's runs and two lines of the matrix may want the same one at the same time, so the
# file is replaced in one step (written under another name first), and only when it differs
install_getpip = pipver=$$(grep -oP -m1 "pip='\K[0-9.]+" "$$($(1) -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')/_internal/python_requirements.py"); \
  test -n "$$pipver"; stub="$$HOME/.ansible/test/cache/get_pip_$${pipver//./_}.py"; \
  cmp -s $(ROOT)/.ci/get_pip_stub.py "$$stub" || { \
    install -D -m 0644 $(ROOT)/.ci/get_pip_stub.py "$$stub.$$$$" && mv -f "$$stub.$$$$" "$$stub"; }
getpip: tools
	@$(call install_getpip,$(PY))

testcopy: tools getpip
	@$(PY) $(ROOT)/scripts/sync_collection_copy.py $(ROOT) $(TESTCOPY)

# ---------------------------------------------------------------- the issue's two commands
demo: tools
	$(call step,demo: playbooks/provision.yml on the XAPI simulator)
	cd $(ROOT) && $(COLLECTION_ENV) $(WITH_SIM) -- $(PY) scripts/demo.py

# final-pytest comes last and holds every pytest suite, so the log ends with its summary line
test: lint sanity units integration matrix molecule build mutation-sample final-pytest

# ---------------------------------------------------------------- checks
lint: tools
	$(call step,ansible-lint: profile production and offline)
	cd $(ROOT) && $(COLLECTION_ENV) ansible-lint --nocolor
	$(call step,antsibull-docs: the docsite (links.yml, extra-docs.yml and its guides) and the plugin docs)
	cd $(COLLECTIONS)/ansible_collections/$(NAMESPACE)/$(NAME) && $(COLLECTION_ENV) \
	  antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs .

sanity: testcopy
	$(call step,ansible-test sanity on $$(cd $(PYBIN) && ls python3.* | sort -V | tr '\n' ' '))
	$(ANSIBLE_TEST) sanity --requirements $(ANSIBLE_TEST_OPTS)

units: testcopy
	$(call step,ansible-test units on every Python)
	$(ANSIBLE_TEST) units --venv --requirements $(ANSIBLE_TEST_OPTS)

simulator-tests: tools
	$(call step,pytest tests/simulator)
	$(call pytest_in,tests/simulator)

contract: tools
	$(call step,pytest tests/contract)
	$(call pytest_in,tests/contract)

# $(call integration_on,PYTHON VERSION,RECORD FILE[,ENV][,COLLECTION COPY]): ansible-test integration against a
# fresh simulator that records every exchange, bodies included, to RECORD FILE (emptied first: the targets read
# the bodies there, by sequence numbers that start again with every simulator)
integration_on = mkdir -p $(dir $(2)) && rm -f $(2) && $(WITH_SIM) --record $(2) -- $(SHELL) $(.SHELLFLAGS) '\
	  THREECX_SIM_RECORD=$(2) $(PY) $(ROOT)/scripts/write_integration_config.py $(or $(4),$(TESTCOPY))/tests/integration/integration_config.yml; \
	  cd $(or $(4),$(TESTCOPY)) && $(3) ansible-test integration --python $(1) $(ANSIBLE_TEST_OPTS)'

integration: testcopy
	$(call step,ansible-test integration against the simulator (traffic recorded to $(RECORDS)))
	$(call integration_on,$(CONTROLLER_VERSION),$(RECORDS))
	$(call step,contract test on the recorded integration traffic)
	$(call pytest_in,tests/contract/test_contract.py::test_record_files_named_by_the_environment_follow_the_contract,\
	  XAPI_CONTRACT_RECORDS=$(RECORDS))

# An older ansible-core line: its own venv (ansible-core and ansible-test of that release on the Python
# the matrix file names) and its own copy of the collection, sanity and units on that Python, integration
# where the file says so. Its ansible-test installs the sanity venvs it pins under ~/.ansible/test/venv,
# and pytest into its venv. Sanity leaves out pylint there: what it reports does not depend on the
# ansible-core line, the newest line runs it on every Python, and it is three quarters of the time sanity
# takes on a line.
# `make matrix` runs MATRIX_JOBS lines at a time: most of a cold run is spent installing venvs. Lines on
# the same Python run one after the other (two releases may pin the same sanity venv), and a line's
# integration after its sanity and units, on the same copy.
MATRIX_JOBS ?= 2
matrix_copy = $(WORK)/matrix/$(1)/ansible_collections/$(NAMESPACE)/$(NAME)
# (goals in file order, each line's integration right after it, so that it starts as soon as it can)
matrix: tools
	@$(MAKE) -j$(MATRIX_JOBS) --output-sync=target MATRIX_ALL=1 \
	  $(foreach line,$(MATRIX),matrix-$(line) $(if $(filter $(line),$(MATRIX_INTEGRATION)),matrix-integration-$(line)))

ifdef MATRIX_ALL
$(foreach rule,$(shell sed 's/\#.*//' $(MATRIX_FILE) | \
    awk 'NF {if ($$2 in last) print "matrix-" $$1 ":matrix-" last[$$2]; last[$$2] = $$1}'),\
  $(eval $(firstword $(subst :, ,$(rule))): | $(lastword $(subst :, ,$(rule)))))
$(foreach line,$(MATRIX_INTEGRATION),$(eval matrix-integration-$(line): | matrix-$(line)))
endif

# (kept between runs: make would delete them as the intermediate files of a pattern rule)
.PRECIOUS: $(WORK)/matrix/%/venv/.installed
$(WORK)/matrix/%/venv/.installed: $(MATRIX_FILE)
	@python="$(call find_python,$(call matrix_field,$*,2))"; \
	  if [ -z "$$python" ]; then echo "ansible-core $*: no Python $(call matrix_field,$*,2) found (see $(MATRIX_FILE))." >&2; exit 1; fi; \
	  printf '\n=== [%s] %s\n' "$$(date +%T)" "venv for ansible-core $* from $$python"; \
	  rm -rf $(WORK)/matrix/$*/venv && "$$python" -m venv $(WORK)/matrix/$*/venv
	$(WORK)/matrix/$*/venv/bin/python -m pip install -q --upgrade pip
	$(WORK)/matrix/$*/venv/bin/python -m pip install -q "ansible-core==$*" "$(REQUESTS_PIN)"
	touch $@

matrix-%: tools $(WORK)/matrix/%/venv/.installed
	$(call step,ansible-core $*: sanity (but pylint) and units on Python $(call matrix_field,$*,2))
	@$(call install_getpip,$(WORK)/matrix/$*/venv/bin/python)
	@$(PY) $(ROOT)/scripts/sync_collection_copy.py $(ROOT) $(call matrix_copy,$*)
	cd $(call matrix_copy,$*) && PATH=$(WORK)/matrix/$*/venv/bin:$$PATH \
	  ansible-test sanity --python $(call matrix_field,$*,2) --requirements --skip-test pylint $(ANSIBLE_TEST_OPTS)
	cd $(call matrix_copy,$*) && PATH=$(WORK)/matrix/$*/venv/bin:$$PATH \
	  ansible-test units --python $(call matrix_field,$*,2) --requirements $(ANSIBLE_TEST_OPTS)

matrix-integration-%: tools $(WORK)/matrix/%/venv/.installed
	$(call step,ansible-core $*: integration against the simulator on Python $(call matrix_field,$*,2))
	@$(PY) $(ROOT)/scripts/sync_collection_copy.py $(ROOT) $(call matrix_copy,$*)
	$(call integration_on,$(call matrix_field,$*,2),$(WORK)/matrix/$*/records.jsonl,PATH=$(WORK)/matrix/$*/venv/bin:$$PATH,$(call matrix_copy,$*))

molecule: tools
	$(call step,molecule test (extensions/molecule/default))
	cd $(ROOT) && $(COLLECTION_ENV) MOLECULE_EPHEMERAL_DIRECTORY=$(WORK)/molecule/default molecule test

docs: tools
	$(call step,generate the typed modules and docs/entities.md from the registry, then docs/modules from ansible-doc and the docsite guides from docs/*.md)
	cd $(ROOT) && PYTHONPATH=$(COLLECTIONS) $(PY) scripts/gen_modules.py
	cd $(ROOT) && PYTHONPATH=$(COLLECTIONS) $(PY) scripts/gen_entity_docs.py
	cd $(ROOT) && $(PY) scripts/render_module_docs.py
	cd $(ROOT) && $(PY) scripts/render_docsite.py

build: testcopy
	$(call step,galaxy build then install then ansible-doc)
	rm -rf $(WORK)/dist $(WORK)/installed
	cd $(TESTCOPY) && ansible-galaxy collection build --force --output-path $(WORK)/dist
	ansible-galaxy collection install --force -p $(WORK)/installed $(WORK)/dist/$(NAMESPACE)-$(NAME)-*.tar.gz
	@for m in $(MODULES); do \
	  ANSIBLE_COLLECTIONS_PATH=$(WORK)/installed ansible-doc $(FQCN).$$m >/dev/null || exit 1; \
	  echo "ansible-doc $(FQCN).$$m: ok"; \
	done

# the last test runner CI sees: every pytest suite in one run (the simulator, the contract, also on the
# integration traffic when `make integration` recorded it, the registry, the docs, the examples in the docs and
# the modules run against the simulator, the built tarball and the support claims, and the unit tests outside
# ansible-test)
final-pytest: tools $(WORK)/matrix/$(OLDEST_LINE)/venv/.installed
	$(call step,pytest tests/simulator tests/contract tests/registry tests/docs tests/packaging tests/unit)
	cd $(ROOT) && $(COLLECTION_ENV) PYTHONPATH=$(COLLECTIONS) env $$([ -s $(RECORDS) ] && echo XAPI_CONTRACT_RECORDS=$(RECORDS)) \
	  THREECX_COMPAT_ANSIBLE=$(WORK)/matrix/$(OLDEST_LINE)/venv/bin/ansible THREECX_OLD_PYTHONS="$(subst $(eval) ,:,$(OLD_PYTHONS))" \
	  $(PY) -m pytest -p no:cacheprovider tests/simulator tests/contract tests/registry tests/docs tests/packaging tests/unit

# ---------------------------------------------------------------- mutation testing (docs/quality.md)
# The whole run takes hours on two cores, so make test runs a fixed sample that must keep its score.
MUTATION_SAMPLE := module_utils/odata.py

mutation: tools
	$(call step,mutation testing of plugins/module_utils and plugins/modules (mutmut; scores to docs/quality.md))
	cd $(ROOT) && $(PY) scripts/mutation.py --write-docs

mutation-sample: tools
	$(call step,mutation testing of $(MUTATION_SAMPLE): at least 90 % of the mutants must be killed)
	cd $(ROOT) && $(PY) scripts/mutation.py --files $(MUTATION_SAMPLE) --min-score 90 --stage $(WORK)/mutation-sample

# ---------------------------------------------------------------- performance (never part of make test)
bench: tools
	$(call step,benchmark against the simulator (20 ms per request); the full run takes about an hour)
	cd $(ROOT) && $(PY) tests/bench/bench.py $(BENCH_ARGS) --save-json $(WORK)/bench-results.json \
	  --output $(if $(BENCH_ARGS),$(WORK)/performance.md,$(ROOT)/docs/performance.md)

clean:
	rm -rf $(WORK) $(ROOT)/.ansible $(ROOT)/tests/output $(ROOT)/tests/integration/inventory \
	  $(ROOT)/tests/integration/integration_config.yml
	find $(ROOT) -name __pycache__ -type d -prune -not -path '$(ROOT)/.git/*' -exec rm -rf {} +
