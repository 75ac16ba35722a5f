# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every section of the benchmark shares: the simulator process, ansible-playbook runs, the request log."""

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SIMULATOR = os.path.join(ROOT, "tests", "simulator", "xapi_sim.py")
PLAYBOOKS = os.path.join(HERE, "playbooks")
CLIENT_ID, CLIENT_SECRET = "bench", "bench-secret"
API_PREFIX = "/xapi/v1/"


class Simulator:
    """The simulator in a process of its own, with the added latency of a PBX across a WAN."""

    def __init__(self, latency_ms, workdir):
        port_file = os.path.join(workdir, "port")
        self.process = subprocess.Popen(
            [sys.executable, SIMULATOR, "--port", "0", "--port-file", port_file, "--quiet", "--compile-delay", "0",
             "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET, "--latency-ms", str(latency_ms)])
        deadline = time.time() + 10
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if time.time() > deadline or self.process.poll() is not None:
                raise SystemExit("the simulator did not start")
            time.sleep(0.05)
        self.base_url = "http://127.0.0.1:%s" % open(port_file).read().strip()
        self.control = self.base_url + "/_sim"

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.control + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            text = response.read()
        return json.loads(text) if text else None

    def fresh(self, seed=None):
        """Back to the built-in data (plus seed), with an empty request log."""
        self.call("POST", "/reset")
        if seed:
            self.call("POST", "/seed", seed)
        self.call("DELETE", "/requests")

    def requests(self):
        """The API and token requests logged since the last reset: (method, entity set or 'token', paged).

        paged: a GET of a page of a collection ($top), as opposed to reading one entity or calling a function.
        """
        return [(entry["method"], entity_set(entry["path"]), "$top" in (entry.get("query") or {}))
                for entry in self.call("GET", "/requests")["requests"]]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def entity_set(path):
    """/xapi/v1/Users(12)/Groups -> Users; the token endpoint -> token."""
    if API_PREFIX not in path:
        return "token"
    name = path.split(API_PREFIX, 1)[1]
    for stop in "(/?":
        name = name.split(stop, 1)[0]
    return name


def environment(workdir, sim):
    """The environment of every ansible-playbook run: this checkout as the collection, the simulator's address."""
    collections = os.path.join(workdir, "collections", "ansible_collections", "threecx")
    os.makedirs(collections, exist_ok=True)
    link = os.path.join(collections, "xapi")
    if not os.path.exists(link):
        os.symlink(ROOT, link)
    return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(workdir, "collections"),
                THREECX_BASE_URL=sim.base_url, THREECX_CLIENT_ID=CLIENT_ID, THREECX_CLIENT_SECRET=CLIENT_SECRET,
                THREECX_SIM_URL=sim.control, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))


def run_playbook(playbook, vars_file, env, log, extra=()):
    """Run ansible-playbook; answer (seconds, peak RSS in MiB of its largest process, stdout)."""
    command = [shutil.which("ansible-playbook", path=env["PATH"]), os.path.join(PLAYBOOKS, playbook),
               "-e", "@" + vars_file] + list(extra)
    started = time.monotonic()
    with open(log, "w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - started
    with open(log) as out:
        text = out.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("%s failed; see %s\n%s" % (playbook, log, text[-3000:]))
    return elapsed, usage.ru_maxrss / 1024.0, text


def write_json(path, value):
    with open(path, "w") as out:
        json.dump(value, out)
    return path


BARE_TASK = "ansible.builtin.meta: noop"  # runs no module: ansible-playbook's own start
MODULE_TASK = "ansible.builtin.ping:"     # the least a module task costs: its payload built and a module process


def baseline(env, workdir, repeats=3, task=BARE_TASK):
    """Wall time of an ansible-playbook run of one trivial task (the median of a few)."""
    play = os.path.join(workdir, "start.yml")
    with open(play, "w") as out:
        out.write("- hosts: localhost\n  gather_facts: false\n  tasks:\n    - %s\n" % task)
    command = [shutil.which("ansible-playbook", path=env["PATH"]), play, "-e", "@" + write_json(
        os.path.join(workdir, "empty.json"), {})]
    times = []
    for _round in range(repeats):
        started = time.monotonic()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.monotonic() - started)
    return statistics.median(times)


def marked_line(text, marker):
    """The fields of the line a playbook printed after marker (key=value separated by blanks)."""
    for line in text.splitlines():
        if marker in line:
            return dict(part.split("=", 1) for part in line.split(marker, 1)[1].strip(' "').split())
    raise SystemExit("no %s line in the playbook's output" % marker)
