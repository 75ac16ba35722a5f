"""The playbooks and task lists in README.md, docs/*.md and every module's EXAMPLES run.

They run with ansible-playbook against a fresh XAPI simulator (tests/simulator/with_simulator.py),
all of them in one ansible-playbook run when they pass. New docs pages and new modules are picked
up without a change here.

Which code blocks are examples: in Markdown, a fenced ``yaml`` (or ``yml``) block that holds a
YAML list. A list of plays runs as it is; any other list of mappings runs as the tasks of a play
on localhost. A block that is not a list (a vars file, a configuration) is not run. A module's
EXAMPLES is one example. docs/modules/ is rendered from the modules and not read again.

What an example may rely on (the fixture):
- the simulator's connection details in the THREECX_* environment variables, which the modules
  fall back to, and in the variables threecx_base_url, threecx_client_id and threecx_client_secret,
  set for every host;
- the hosts localhost, and pbx-lab in the group threecx_pbx, both with a local connection;
- the files/, templates/ and vars/ folders of playbooks/ beside the playbook;
- the simulator's seed data: it is reset before each example.

An example that cannot run against the simulator says so and why, on the line before its fence
in Markdown, or on a line of its own in EXAMPLES:

    <!-- example: not-run (needs AWX) -->
    # example: not-run (needs AWX)

An example without the mark that does not run, or a YAML block that does not parse, fails.
"""

from __future__ import annotations

import ast
import glob
import os
import re
import subprocess
import sys
import textwrap

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WITH_SIMULATOR = os.path.join(ROOT, "tests", "simulator", "with_simulator.py")
FIXTURE_FOLDERS = ("files", "templates", "vars")  # of playbooks/, beside every example
HOSTS = ("localhost", "pbx-lab")
INVENTORY = """\
all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    threecx_base_url: "{{ lookup('ansible.builtin.env', 'THREECX_BASE_URL') }}"
    threecx_client_id: "{{ lookup('ansible.builtin.env', 'THREECX_CLIENT_ID') }}"
    threecx_client_secret: "{{ lookup('ansible.builtin.env', 'THREECX_CLIENT_SECRET') }}"
  hosts:
    localhost:
  children:
    threecx_pbx:
      hosts:
        pbx-lab:
"""
NOT_RUN = re.compile(r"not-run \((?P<why>[^)]+)\)$")
MARKDOWN_MARK = re.compile(r"^<!--\s*example:\s*(?P<mark>.*?)\s*-->$")
EXAMPLES_MARK = re.compile(r"^\s*#\s*example:\s*(?P<mark>.*?)\s*$", re.M)
FENCE = re.compile(r"^(?P<indent>\s*)```\s*(?P<info>\S*)")


class Example:
    """One code block: where it is, its text, what it holds and whether it is marked not-run."""

    def __init__(self, where, text, mark=None):
        self.where, self.text, self.mark = where, text, mark
        self.kind, self.problem = classify(text)

    @property
    def reason_not_run(self):
        match = NOT_RUN.match(self.mark or "")
        return match.group("why").strip() if match else None

    @property
    def runs(self):
        return self.kind in ("plays", "tasks") and self.mark is None

    def __repr__(self):
        return self.where


class _YamlLoader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
    """Safe YAML that accepts Ansible's tags (a vaulted value reads as its text)."""


for _tag in ("!vault", "!unsafe"):
    _YamlLoader.add_constructor(_tag, lambda loader, node: loader.construct_scalar(node))


def classify(text):
    """('plays' | 'tasks' | 'data', None), or (None, why it does not parse)."""
    try:
        data = yaml.load(text, Loader=_YamlLoader)  # nosec: the safe loader plus two scalar tags
    except yaml.YAMLError as exc:
        return None, str(exc)
    if not isinstance(data, list) or not data or not all(isinstance(item, dict) for item in data):
        return "data", None
    if all("hosts" in item or "import_playbook" in item for item in data):
        return "plays", None
    return "tasks", None


def markdown_examples(path, text):
    """The YAML code blocks of a Markdown page, each with the mark on the line before it."""
    lines, found, index = text.splitlines(), [], 0
    while index < len(lines):
        fence = FENCE.match(lines[index])
        if not fence:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not lines[end].strip().startswith("```"):
            end += 1
        if fence.group("info").lower() in ("yaml", "yml"):
            before = next((line.strip() for line in reversed(lines[:index]) if line.strip()), "")
            mark = MARKDOWN_MARK.match(before)
            body = textwrap.dedent("\n".join(lines[index + 1:end])) + "\n"
            found.append(Example("%s:%d" % (path, index + 1), body, mark.group("mark") if mark else None))
        index = end + 1
    return found


def module_example(path, source):
    """The EXAMPLES of a module file (read without importing it), or None."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXAMPLES" for t in node.targets):
            text = textwrap.dedent(node.value.value).strip("\n") + "\n"
            mark = EXAMPLES_MARK.search(text)
            return Example("%s:%d EXAMPLES" % (path, node.lineno), text, mark.group("mark") if mark else None)
    return None


def collect():
    """Every YAML block of README.md and docs/*.md, and the EXAMPLES of every module."""
    examples = []
    for path in ["README.md"] + sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "docs", "*.md"))):
        with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
            examples.extend(markdown_examples(path, handle.read()))
    for path in sorted(glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py"))):
        with open(path, encoding="utf-8") as handle:
            example = module_example(os.path.relpath(path, ROOT), handle.read())
        if example is not None:
            examples.append(example)
    return examples


# -- running ----------------------------------------------------------------------------

def playbook_text(number, example):
    """The example between a play that resets the simulator and one that marks it done on every host."""
    start = textwrap.dedent("""\
        - name: "Example {n}: {where}"
          hosts: localhost
          gather_facts: false
          tasks:
            - name: Example {n} starts from the simulator's seed data
              ansible.builtin.uri:
                url: "{{{{ lookup('ansible.builtin.env', 'THREECX_SIM_URL') }}}}/reset"
                method: POST
        """).format(n=number, where=example.where)
    body = example.text
    if example.kind == "tasks":
        body = "- name: Tasks of example %d\n  hosts: localhost\n  gather_facts: false\n  tasks:\n%s" % (
            number, textwrap.indent(body, "    "))
    done = textwrap.dedent("""\
        - name: Example {n} done
          hosts: all
          gather_facts: false
          tasks:
            - name: Example {n} done
              ansible.builtin.debug:
                msg: done
        """).format(n=number)
    return start + body + done


class Runner:
    """Runs examples against fresh simulators from a folder laid out as the fixture says."""

    def __init__(self, workdir):
        self.workdir = str(workdir)
        collection = os.path.join(self.workdir, "collections", "ansible_collections", "threecx")
        os.makedirs(collection)
        os.symlink(ROOT, os.path.join(collection, "xapi"))
        for folder in FIXTURE_FOLDERS:
            os.symlink(os.path.join(ROOT, "playbooks", folder), os.path.join(self.workdir, folder))
        with open(os.path.join(self.workdir, "inventory.yml"), "w", encoding="utf-8") as handle:
            handle.write(INVENTORY)
        self.runs = 0

    def run(self, examples):
        """{example: None when it ran, else the output that shows why not}; few ansible-playbook runs."""
        numbered = dict((example, number) for number, example in enumerate(examples, 1))
        for example, number in numbered.items():
            with open(self._file(number), "w", encoding="utf-8") as handle:
                handle.write(playbook_text(number, example))
        verdicts, pending = {}, list(examples)
        while pending:
            output, code = self._play([numbered[e] for e in pending])
            if "PLAY [Example %d: " % numbered[pending[0]] not in output:
                # ansible-playbook did not start: blame the example it names, else the first
                named = [e for e in pending if self._file(numbered[e]) in output]
                culprit = named[0] if named else pending[0]
                if len(pending) > 1 and not named:
                    output, code = self._play([numbered[culprit]])
                    if code == 0:
                        verdicts[culprit] = None
                        pending.remove(culprit)
                        continue
                verdicts[culprit] = output
                pending.remove(culprit)
                continue
            done = 0
            while done < len(pending) and finished(output, numbered[pending[done]]):
                verdicts[pending[done]] = None
                done += 1
            if done < len(pending):
                verdicts[pending[done]] = section(output, numbered[pending[done]])
                done += 1
            elif code != 0:
                verdicts[pending[-1]] = "ansible-playbook failed (exit code %d) after the last example:\n%s" % (
                    code, output[-4000:])
            pending = pending[done:]
        return verdicts

    def _file(self, number):
        return os.path.join(self.workdir, "example-%02d.yml" % number)

    def _play(self, numbers):
        self.runs += 1
        batch = os.path.join(self.workdir, "batch.yml")
        with open(batch, "w", encoding="utf-8") as handle:
            handle.write("".join("- import_playbook: %s\n" % os.path.basename(self._file(n)) for n in numbers))
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(self.workdir, "collections"),
                   ANSIBLE_HOST_PATTERN_MISMATCH="error", ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                   ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_LOCALHOST_WARNING="0",
                   PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
        done = subprocess.run([sys.executable, WITH_SIMULATOR, "--quiet", "--", "ansible-playbook", "-i", "inventory.yml",
                               "batch.yml"], cwd=self.workdir, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, check=False)
        return done.stdout, done.returncode


def finished(output, number):
    """Whether the done play of example ``number`` ran on every host (a failed host drops out)."""
    task = re.search(r"^TASK \[Example %d done\].*$(?P<after>(?:\n(?!TASK \[|PLAY ).*)*)" % number, output, re.M)
    return bool(task) and set(re.findall(r"^ok: \[([^\]]+)\]", task.group("after"), re.M)) == set(HOSTS)


def section(output, number):
    """The output of example ``number``, from its first play to the next example's."""
    start = output.find("PLAY [Example %d: " % number)
    end = output.find("PLAY [Example %d: " % (number + 1), start + 1)
    return output[start:end if end > 0 else len(output)][-6000:]


# -- the tests --------------------------------------------------------------------------

EXAMPLES = collect()
RUNNABLE = [e for e in EXAMPLES if e.runs]


@pytest.fixture(scope="session")
def verdicts(tmp_path_factory):
    return Runner(tmp_path_factory.mktemp("doc-examples")).run(RUNNABLE)


@pytest.mark.parametrize("example", RUNNABLE, ids=repr)
def test_example_runs_against_the_simulator(verdicts, example):
    assert verdicts[example] is None, (
        "%s does not run against the simulator (mark it `not-run (why)` if it cannot):\n%s" % (example, verdicts[example]))


@pytest.mark.parametrize("example", EXAMPLES, ids=repr)
def test_example_parses_and_any_mark_says_why(example):
    if example.mark is not None:
        assert example.reason_not_run, "%s: the mark must read `example: not-run (why)`, not %r" % (example, example.mark)
    else:
        assert example.problem is None, "%s is not valid YAML:\n%s" % (example, example.problem)


def test_the_docs_and_every_module_have_examples_that_run():
    sources = set(e.where.split(":")[0] for e in RUNNABLE)
    modules = set(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py"))
                  if not p.endswith("__init__.py"))
    assert "README.md" in sources
    assert modules <= sources, "modules without EXAMPLES that run: %s" % sorted(modules - sources)


# -- the machinery ----------------------------------------------------------------------

PAGE = """\
# A page

```yaml
- name: A play
  hosts: localhost
  tasks: []
```

<!-- example: not-run (needs a real PBX) -->
```yaml
- name: Only on a PBX
  threecx.xapi.callflow_app_info:
```

1. In a list:

   ```yml
   - name: A task
     ansible.builtin.debug:
   ```

```yaml
# host_vars/pbx.yml
threecx_client_secret: !vault |
  $ANSIBLE_VAULT;1.2;AES256;x
```

```yaml
threecx_callflow_apps:
  - name: a
    ...
```

```
- name: not YAML by its fence
```
"""


def test_markdown_blocks_are_found_classified_and_marked():
    found = markdown_examples("page.md", PAGE)
    assert [(e.where, e.kind, e.mark, e.runs) for e in found] == [
        ("page.md:3", "plays", None, True),
        ("page.md:10", "tasks", "not-run (needs a real PBX)", False),
        ("page.md:17", "tasks", None, True),
        ("page.md:22", "data", None, False),
        ("page.md:28", None, None, False),
    ]
    assert found[1].reason_not_run == "needs a real PBX"
    assert found[2].text == "- name: A task\n  ansible.builtin.debug:\n"
    assert "could not find expected ':'" in found[4].problem


def test_module_examples_are_read_with_their_mark():
    source = 'DOCUMENTATION = ""\nEXAMPLES = r"""\n# example: not-run (needs AWX)\n- name: x\n  ansible.builtin.debug:\n"""\n'
    example = module_example("plugins/modules/m.py", source)
    assert (example.where, example.kind, example.reason_not_run) == ("plugins/modules/m.py:2 EXAMPLES", "tasks", "needs AWX")
    assert module_example("plugins/modules/n.py", "X = 1\n") is None


def test_a_failing_example_is_named_and_the_others_still_get_their_verdict(tmp_path):
    good = Example("good.md:1", "- name: Fine\n  ansible.builtin.debug:\n    msg: fine\n")
    failing = Example("bad.md:1", "- name: Ask for an app that the seed data lacks\n  threecx.xapi.callflow_app_info:\n"
                                  "    number: '8999'\n  register: missing\n  failed_when: missing.callflow_apps == []\n")
    play = Example("play.md:1", "- name: On the PBX hosts\n  hosts: threecx_pbx\n  gather_facts: false\n  tasks:\n"
                                "    - name: Reach the simulator\n      threecx.xapi.callflow_app_info:\n")
    nowhere = Example("nowhere.md:1", "- name: On a group the fixture lacks\n  hosts: pbxs\n  gather_facts: false\n"
                                      "  tasks: []\n")
    broken = Example("broken.md:1", "- name: No such module\n  threecx.xapi.no_such_module:\n")
    last = Example("last.md:1", good.text)
    runner = Runner(tmp_path)
    verdicts = runner.run([good, failing, play, nowhere, broken, last])
    assert [verdicts[e] is None for e in (good, failing, play, nowhere, broken, last)] == [True, False, True, False, False, True]
    assert "Ask for an app that the seed data lacks" in verdicts[failing]
    assert "Could not match supplied host pattern" in verdicts[nowhere]  # not passed by doing nothing
    assert "no_such_module" in verdicts[broken]
    assert runner.runs <= 5
