#!/usr/bin/env python
r"""Write tests/integration/integration_config.yml from the THREECX_* environment.

ansible-test runs integration targets in a filtered environment, so the connection details
of the PBX (or of the simulator, see tests/simulator/with_simulator.py) reach the targets
as variables from this file: threecx_base_url, threecx_client_id, threecx_client_secret,
threecx_validate_certs, threecx_sim_url (the simulator's control API, when there is one) and
threecx_sim_record (the simulator's --record file, from THREECX_SIM_RECORD: the request bodies).

Usage: write_integration_config.py PATH

``make integration`` writes it into the collection copy that ansible-test runs on. By hand,
against the simulator, from a checkout inside an ``ansible_collections/threecx/xapi`` path:

    python tests/simulator/with_simulator.py --record /tmp/sim.jsonl -- sh -c \
        'THREECX_SIM_RECORD=/tmp/sim.jsonl scripts/write_integration_config.py tests/integration/integration_config.yml \
         && ansible-test integration'
"""

from __future__ import annotations

import json
import os
import sys

VARIABLES = {
    "threecx_base_url": "THREECX_BASE_URL",
    "threecx_client_id": "THREECX_CLIENT_ID",
    "threecx_client_secret": "THREECX_CLIENT_SECRET",
    "threecx_validate_certs": "THREECX_VALIDATE_CERTS",
    "threecx_sim_url": "THREECX_SIM_URL",
    "threecx_sim_record": "THREECX_SIM_RECORD",
}
REQUIRED = ("THREECX_BASE_URL", "THREECX_CLIENT_ID", "THREECX_CLIENT_SECRET")


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        sys.stderr.write("write_integration_config: %s not set (run it under with_simulator.py, "
                         "or export the details of a test PBX)\n" % ", ".join(missing))
        return 2
    values = dict((var, os.environ[env]) for var, env in VARIABLES.items() if os.environ.get(env))
    if "threecx_validate_certs" in values:
        values["threecx_validate_certs"] = values["threecx_validate_certs"].lower() in ("1", "true", "yes", "on")
    os.makedirs(os.path.dirname(os.path.abspath(argv[1])), exist_ok=True)
    # JSON is YAML; the file holds a secret, so only its owner may read it
    fd = os.open(argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("# written by scripts/write_integration_config.py; do not commit\n")
        json.dump(values, handle, indent=2, sort_keys=True)
        handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
