"""Run a command against a fresh XAPI simulator, then stop the simulator.

Usage: ``python tests/simulator/with_simulator.py [simulator options] -- COMMAND [ARGS...]``

The simulator listens on a free port; COMMAND runs with THREECX_BASE_URL,
THREECX_CLIENT_ID, THREECX_CLIENT_SECRET, THREECX_SIM_URL and THREECX_VALIDATE_CERTS=false
added to its environment.  The exit code is COMMAND's (128+N when a signal N ended it).
Only the standard library is used.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SIMULATOR = os.path.join(HERE, "xapi_sim.py")
# generous: a loaded machine may take many seconds; an idle one well under a second
START_TIMEOUT = 60.0
STOP_TIMEOUT = 60.0


def split_argv(argv):
    """Split at the first ``--`` into simulator options and the command."""
    if "--" not in argv:
        return None, None
    index = argv.index("--")
    return argv[:index], argv[index + 1:]


def simulator_settings(sim_args):
    """The options of the simulator that this wrapper needs to know about."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--client-id", default="ansible")
    parser.add_argument("--client-secret", default="sim-secret")
    known = parser.parse_known_args(sim_args)[0]
    return known


def start_simulator(sim_args, port_file):
    """Start the simulator in its own session so that Ctrl-C reaches only the command."""
    cmd = [sys.executable, SIMULATOR] + sim_args
    if simulator_settings(sim_args).port_file is None:
        cmd += ["--port-file", port_file]
    # The listening line goes to stderr so that COMMAND's stdout stays its own.
    return subprocess.Popen(cmd, stdout=sys.stderr, start_new_session=True)  # pylint: disable=consider-using-with


def wait_until_ready(proc, port_file, host):
    """Wait for the port file, then for /_sim/health to answer; return the base URL."""
    deadline = time.monotonic() + START_TIMEOUT
    port = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the simulator exited with code %s before it was ready" % proc.returncode)
        if port is None and os.path.exists(port_file):
            with open(port_file, encoding="ascii") as handle:
                text = handle.read().strip()
            port = int(text) if text.isdigit() else None
        if port is not None:
            url = "http://%s:%d" % (host, port)
            try:
                with urllib.request.urlopen(url + "/_sim/health", timeout=START_TIMEOUT) as answer:
                    if answer.status == 200:
                        return url
            except (urllib.error.URLError, OSError):
                pass
        time.sleep(0.02)
    raise RuntimeError("the simulator was not ready within %.0f seconds" % START_TIMEOUT)


def stop_simulator(proc):
    """SIGTERM, then SIGKILL if it has not stopped within STOP_TIMEOUT seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def command_env(url, settings):
    """The environment of COMMAND: ours plus the simulator's coordinates."""
    env = dict(os.environ)
    env.update({
        "THREECX_BASE_URL": url,
        "THREECX_CLIENT_ID": settings.client_id,
        "THREECX_CLIENT_SECRET": settings.client_secret,
        "THREECX_SIM_URL": url + "/_sim",
        "THREECX_VALIDATE_CERTS": "false",
    })
    return env


def run_command(command, env):
    """Run COMMAND; SIGTERM to us is passed on; return its exit code."""
    try:
        child = subprocess.Popen(command, env=env)  # pylint: disable=consider-using-with
    except OSError as exc:
        sys.stderr.write("with_simulator: cannot run %s: %s\n" % (command[0], exc))
        return 127

    def forward(signum, _frame):
        child.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        while True:
            try:
                code = child.wait()
                break
            except KeyboardInterrupt:
                # The terminal sent SIGINT to the command too: wait for it to finish.
                continue
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 128 - code if code < 0 else code


def _exit_on_signal(signum, _frame):
    """SIGTERM before the command runs: leave through ``finally`` so the simulator stops."""
    raise SystemExit(128 + signum)


def main(argv=None):
    """Start the simulator, run the command, stop the simulator, exit like the command."""
    sim_args, command = split_argv(sys.argv[1:] if argv is None else argv)
    if not command:
        sys.stderr.write(__doc__.split("\n\n")[1].replace("``", "") + "\n")
        return 2
    settings = simulator_settings(sim_args)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    workdir = tempfile.mkdtemp(prefix="xapi-sim-")
    port_file = settings.port_file or os.path.join(workdir, "port")
    proc = start_simulator(sim_args, port_file)
    try:
        try:
            url = wait_until_ready(proc, port_file, settings.host)
        except RuntimeError as exc:
            sys.stderr.write("with_simulator: %s\n" % exc)
            return 3
        return run_command(command, command_env(url, settings))
    finally:
        stop_simulator(proc)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
