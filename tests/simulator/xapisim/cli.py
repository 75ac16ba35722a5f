"""``python tests/simulator/xapi_sim.py``: run the simulator until SIGTERM or SIGINT."""

import json
import os
import signal
import sys
import threading

from .config import config_from_args
from .errors import ApiError
from .server import Simulator


def write_port_file(path, port):
    """Write the port atomically so a reader never sees a partial number."""
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w", encoding="ascii") as handle:
        handle.write("%d\n" % port)
    os.replace(tmp, path)


def main(argv=None):
    """Start, print the listening line, serve; exit 0 on SIGTERM/SIGINT."""
    config = config_from_args(argv)
    try:
        sim = Simulator(config)
    except (OSError, ValueError) as exc:
        sys.stderr.write("xapi-simulator: cannot load the seed file: %s\n" % exc)
        return 2
    except ApiError as exc:
        sys.stderr.write("xapi-simulator: the seed file was refused: %s\n" % json.dumps(exc.body))
        return 2
    try:
        sim.bind()
    except OSError as exc:
        sys.stderr.write("xapi-simulator: cannot listen on %s:%s: %s\n" % (config.host, config.port, exc))
        return 2
    if config.port_file:
        write_port_file(config.port_file, sim.port)

    def stop(_signum, _frame):
        # shutdown() waits for serve_forever to return, so it must run in another thread.
        threading.Thread(target=sim.httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("xapi-simulator listening on %s" % sim.url, flush=True)
    sim.serve_forever()
    sim.httpd.server_close()
    if sim.recorder is not None:
        sim.recorder.close()
    if not config.quiet:
        print("xapi-simulator stopped", flush=True)
    return 0
