"""The command line: xapi_sim.py and with_simulator.py as separate processes."""

import json
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
SIM = os.path.join(HERE, "xapi_sim.py")
WRAPPER = os.path.join(HERE, "with_simulator.py")
LISTENING = re.compile(r"^xapi-simulator listening on http://127\.0\.0\.1:(\d+)$")
# How long to wait for something that happens within a second on an idle machine: long enough
# for a loaded one, and only reached when the awaited event never comes.
DEADLINE = 60


def read_line(proc):
    """The next line of the process's stdout; fails after DEADLINE seconds without one."""
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        assert selector.select(DEADLINE), "no output within %d s" % DEADLINE
    return proc.stdout.readline()


def wait_until(condition, what):
    """Poll ``condition`` until it is true; fails after DEADLINE seconds."""
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, "%s did not happen within %d s" % (what, DEADLINE)
        time.sleep(0.02)


def answers(url):
    try:
        requests.get(url, timeout=DEADLINE)
    except requests.ConnectionError:
        return False
    return True


def default_sigint():
    """In the child: Ctrl-C as a terminal delivers it, even when this run inherited SIGINT ignored
    (a background job of a script does)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop_wrapper(proc):
    """SIGTERM reaches the wrapper, which passes it on to its command and stops the simulator;
    only then are the pipes closed (the command holds them too)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            proc.kill()
    try:
        proc.communicate(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        proc.kill()


def unused_port():
    """A port that no one listens on, below the range the kernel hands out for port 0.

    Explicit binds are the only way such a port gets taken, so it stays free for the
    test (a neighbouring port, as the simulators of other test runs use, may not)."""
    with open("/proc/sys/net/ipv4/ip_local_port_range", encoding="ascii") as handle:
        low = int(handle.read().split()[0])
    for port in range(low - 1, 1024, -1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port below %d" % low)


@pytest.fixture
def run_sim():
    """Start ``xapi_sim.py`` with options; returns (process, port). Stopped after the test."""
    procs = []

    def start(*options):
        proc = subprocess.Popen([sys.executable, SIM] + list(options), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        procs.append(proc)
        line = read_line(proc).strip()
        match = LISTENING.match(line)
        assert match, line + proc.stderr.read()
        return proc, int(match.group(1))

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def token(port, **form):
    data = {"client_id": "ansible", "client_secret": "sim-secret", "grant_type": "client_credentials"}
    data.update(form)
    return requests.post("http://127.0.0.1:%d/connect/token" % port, data=data, timeout=DEADLINE)


def test_listening_line_and_sigterm_exit_zero(run_sim):
    proc, port = run_sim()
    assert requests.get("http://127.0.0.1:%d/_sim/health" % port, timeout=DEADLINE).json()["ok"] is True
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=DEADLINE) == 0


def test_sigint_exit_zero(run_sim):
    proc = run_sim("--quiet")[0]
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=DEADLINE) == 0
    assert proc.stdout.read() == ""  # --quiet: nothing after the listening line


def test_host_option(run_sim):
    proc = subprocess.Popen([sys.executable, SIM, "--host", "localhost", "--quiet"], stdout=subprocess.PIPE, text=True)
    try:
        line = read_line(proc).strip()
        assert re.match(r"^xapi-simulator listening on http://localhost:\d+$", line), line
        assert requests.get(line.split()[-1] + "/_sim/health", timeout=DEADLINE).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=DEADLINE)
        proc.stdout.close()


def test_port_file_and_fixed_port(run_sim, tmp_path):
    port_file = tmp_path / "port"
    port = run_sim("--port-file", str(port_file))[1]
    assert int(port_file.read_text().strip()) == port
    wanted = unused_port()
    assert run_sim("--port", str(wanted))[1] == wanted


def test_credentials_and_token_options(run_sim):
    port = run_sim("--client-id", "bot", "--client-secret", "pw", "--token-lifetime", "600",
                   "--expires-in-unit", "minutes")[1]
    assert token(port).status_code == 401
    assert token(port, client_id="bot", client_secret="pw").json()["expires_in"] == 10


def test_behaviour_options(run_sim):
    port = run_sim("--compile-delay", "0", "--rewrite-scripts", "--latency-ms", "5", "--server-page-size", "7",
                   "--secrets-in-clear", "--no-rewrite-outbound-rules")[1]
    config = requests.get("http://127.0.0.1:%d/_sim/config" % port, timeout=DEADLINE).json()
    assert config == {"latency_ms": 5.0, "rewrite_scripts": True, "compile_delay": 0.0, "expires_in_unit": "seconds",
                      "token_lifetime": 3600.0, "server_page_size": 7, "secrets_in_clear": True,
                      "rewrite_outbound_rules": False}


def test_seed_file(run_sim, tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"callflow_apps": [{"Name": "FromFile", "Number": "8800"}]}), encoding="utf-8")
    port = run_sim("--seed", str(seed))[1]
    state = requests.get("http://127.0.0.1:%d/_sim/state" % port, timeout=DEADLINE).json()
    assert [a["Name"] for a in state["callflow_apps"]] == ["FromFile"]
    requests.post("http://127.0.0.1:%d/_sim/reset" % port, timeout=DEADLINE)
    state = requests.get("http://127.0.0.1:%d/_sim/state" % port, timeout=DEADLINE).json()
    assert [a["Name"] for a in state["callflow_apps"]] == ["FromFile"]


def test_bad_seed_file_exits_2(tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"callflow_apps": [{"Name": "NoNumber"}]}), encoding="utf-8")
    done = subprocess.run([sys.executable, SIM, "--seed", str(seed)], capture_output=True, text=True, timeout=DEADLINE,
                          check=False)
    assert done.returncode == 2
    assert "refused" in done.stderr


def test_record_option(run_sim, tmp_path):
    record = tmp_path / "rec.jsonl"
    proc, port = run_sim("--record", str(record))
    token(port)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=DEADLINE)
    assert json.loads(record.read_text(encoding="utf-8").splitlines()[0])["path"] == "/connect/token"


def test_verbose_logs_requests_to_stderr(run_sim):
    proc, port = run_sim("--verbose")
    token(port)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=DEADLINE)
    assert "/connect/token" in proc.stderr.read()


def test_quiet_by_default_on_stderr(run_sim):
    proc, port = run_sim()
    token(port)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=DEADLINE)
    assert proc.stderr.read() == ""


def test_help_lists_every_option():
    done = subprocess.run([sys.executable, SIM, "--help"], capture_output=True, text=True, timeout=DEADLINE, check=True)
    for option in ("--host", "--port", "--port-file", "--client-id", "--client-secret", "--token-lifetime",
                   "--expires-in-unit", "--compile-delay", "--rewrite-scripts", "--latency-ms", "--server-page-size",
                   "--secrets-in-clear", "--no-rewrite-outbound-rules", "--seed", "--record", "--quiet", "--verbose"):
        assert option in done.stdout


# -- with_simulator.py ------------------------------------------------------------------

CHILD = """
import json, os, sys, urllib.request
env = {k: v for k, v in os.environ.items() if k.startswith("THREECX_")}
health = json.load(urllib.request.urlopen(env["THREECX_SIM_URL"] + "/health"))
print(json.dumps({"env": env, "health": health}))
sys.exit(int(sys.argv[1]))
"""


def wrap(*args, timeout=2 * DEADLINE):
    return subprocess.run([sys.executable, WRAPPER] + list(args), capture_output=True, text=True, timeout=timeout,
                          check=False)


def test_wrapper_exports_env_and_returns_the_exit_code():
    done = wrap("--", sys.executable, "-c", CHILD, "7")
    assert done.returncode == 7, done.stderr
    result = json.loads(done.stdout)
    env = result["env"]
    assert result["health"]["ok"] is True
    assert re.match(r"^http://127\.0\.0\.1:\d+$", env["THREECX_BASE_URL"])
    assert env["THREECX_SIM_URL"] == env["THREECX_BASE_URL"] + "/_sim"
    assert env["THREECX_CLIENT_ID"] == "ansible" and env["THREECX_CLIENT_SECRET"] == "sim-secret"
    assert env["THREECX_VALIDATE_CERTS"] == "false"
    # The simulator is gone once the wrapper returns.
    assert not answers(env["THREECX_SIM_URL"] + "/health")


def test_wrapper_passes_simulator_options_and_credentials(tmp_path):
    record = tmp_path / "rec.jsonl"
    script = ("import os, urllib.request, urllib.parse\n"
              "data = urllib.parse.urlencode({'client_id': os.environ['THREECX_CLIENT_ID'], "
              "'client_secret': os.environ['THREECX_CLIENT_SECRET'], 'grant_type': 'client_credentials'}).encode()\n"
              "urllib.request.urlopen(os.environ['THREECX_BASE_URL'] + '/connect/token', data)\n")
    done = wrap("--client-id", "ci", "--client-secret", "xyz", "--record", str(record), "--", sys.executable, "-c", script)
    assert done.returncode == 0, done.stderr
    first = json.loads(record.read_text(encoding="utf-8").splitlines()[0])
    assert first["status"] == 200 and first["request_body"]["client_id"] == "ci"


def test_wrapper_reports_a_failing_command_and_still_stops_the_simulator(tmp_path):
    port_file = tmp_path / "port"
    assert wrap("--port-file", str(port_file), "--", sys.executable, "-c", "raise SystemExit(3)").returncode == 3
    assert not answers("http://127.0.0.1:%s/_sim/health" % port_file.read_text().strip())
    assert wrap("--", "/nonexistent/command").returncode == 127


def test_wrapper_needs_a_command():
    done = wrap("--quiet")
    assert done.returncode == 2
    assert "Usage" in done.stderr


def test_wrapper_stops_the_simulator_when_terminated(tmp_path):
    port_file = tmp_path / "port"
    proc = subprocess.Popen([sys.executable, WRAPPER, "--port-file", str(port_file), "--", sys.executable, "-c",
                             "import time; time.sleep(%d)" % (10 * DEADLINE)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        wait_until(port_file.exists, "the port file")  # written at once, never partly
        url = "http://127.0.0.1:%d/_sim/health" % int(port_file.read_text())
        wait_until(lambda: answers(url), "the simulator's first answer")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=DEADLINE) == 128 + signal.SIGTERM
        assert not answers(url)
    finally:
        stop_wrapper(proc)


def test_wrapper_on_ctrl_c_waits_for_the_command_then_stops_the_simulator(tmp_path):
    """Ctrl-C reaches the wrapper's process group (wrapper and command), not the simulator."""
    port_file = tmp_path / "port"
    marker = tmp_path / "started"
    script = "import pathlib, sys, time\npathlib.Path(sys.argv[1]).touch()\ntry:\n    time.sleep(%d)\nexcept KeyboardInterrupt:\n" \
             "    sys.exit(130)\n" % (10 * DEADLINE)
    proc = subprocess.Popen([sys.executable, WRAPPER, "--port-file", str(port_file), "--", sys.executable, "-c", script,
                             str(marker)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=default_sigint)  # pylint: disable=subprocess-popen-preexec-fn
    try:
        wait_until(marker.exists, "the command's start")
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=DEADLINE) == 130
        assert not answers("http://127.0.0.1:%s/_sim/health" % port_file.read_text().strip())
    finally:
        stop_wrapper(proc)
