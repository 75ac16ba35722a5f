"""Command line options and the settings that ``POST /_sim/config`` may change at run time."""

import argparse
import copy

from .errors import ApiError


class Config:
    """Every setting of one simulator instance (defaults are the CLI defaults)."""

    def __init__(self, **overrides):
        self.host = "127.0.0.1"
        self.port = 0
        self.port_file = None
        self.client_id = "ansible"
        self.client_secret = "sim-secret"
        self.token_lifetime = 3600.0
        self.expires_in_unit = "seconds"
        self.compile_delay = 0.2
        self.rewrite_scripts = False
        self.latency_ms = 0.0
        self.server_page_size = 0
        self.secrets_in_clear = False
        self.rewrite_outbound_rules = True
        self.seed = None
        self.record = None
        self.quiet = False
        self.verbose = False
        for name, value in overrides.items():
            if not hasattr(self, name):
                raise TypeError("unknown setting %r" % name)
            setattr(self, name, value)

    def copy(self):
        """An independent copy (the CLI values are kept to restore them on reset)."""
        return copy.copy(self)

    def runtime_view(self):
        """The settings that can be changed while running, as JSON."""
        return {name: getattr(self, name) for name in RUNTIME_SETTINGS}


def non_negative_number(value):
    """True for an int or float (not a bool) that is 0 or more."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _non_negative_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# name: (validator, description used in the error message)
RUNTIME_SETTINGS = {
    "latency_ms": (non_negative_number, "a number >= 0"),
    "rewrite_scripts": (lambda v: isinstance(v, bool), "a boolean"),
    "compile_delay": (non_negative_number, "a number >= 0"),
    "expires_in_unit": (lambda v: v in ("seconds", "minutes"), "'seconds' or 'minutes'"),
    "token_lifetime": (lambda v: non_negative_number(v) and v > 0, "a number > 0"),
    "server_page_size": (_non_negative_int, "an integer >= 0"),
    "secrets_in_clear": (lambda v: isinstance(v, bool), "a boolean"),
    "rewrite_outbound_rules": (lambda v: isinstance(v, bool), "a boolean"),
}


def apply_runtime_settings(config, changes):
    """Validate every change first, then apply them all (all or nothing)."""
    if not isinstance(changes, dict):
        raise ApiError(400, {"error": "the body must be a JSON object"})
    for name, value in changes.items():
        rule = RUNTIME_SETTINGS.get(name)
        if rule is None:
            raise ApiError(400, {"error": "unknown setting %r; known: %s" % (name, ", ".join(sorted(RUNTIME_SETTINGS)))})
        if not rule[0](value):
            raise ApiError(400, {"error": "setting %r must be %s" % (name, rule[1])})
    for name, value in changes.items():
        setattr(config, name, value)


def build_parser():
    """The argument parser of ``xapi_sim.py``."""
    parser = argparse.ArgumentParser(prog="xapi_sim.py", description="Simulator of the 3CX V20 Configuration API (XAPI).")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default)")
    parser.add_argument("--port-file", help="write the port number to this file once listening")
    parser.add_argument("--client-id", default="ansible", help="OAuth client id accepted (default ansible)")
    parser.add_argument("--client-secret", default="sim-secret", help="OAuth client secret accepted (default sim-secret)")
    parser.add_argument("--token-lifetime", type=float, default=3600.0, help="access token lifetime in seconds (default 3600)")
    parser.add_argument("--expires-in-unit", choices=("seconds", "minutes"), default="seconds",
                        help="unit of expires_in in token answers; minutes mimics PBX builds up to 20.0.8")
    parser.add_argument("--compile-delay", type=float, default=0.2,
                        help="seconds between a script change and its compilation result (default 0.2; 0 = immediate)")
    parser.add_argument("--rewrite-scripts", action="store_true",
                        help="store ScriptCode with CRLF line endings and trailing blanks stripped (server quirk)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="extra latency added to every API request")
    parser.add_argument("--server-page-size", type=int, default=0,
                        help="when > 0, lists without $top answer at most N entities and an @odata.nextLink")
    parser.add_argument("--secrets-in-clear", action="store_true",
                        help="answer passwords, PINs and concealed passwords in clear (default: concealed)")
    parser.add_argument("--no-rewrite-outbound-rules", dest="rewrite_outbound_rules", action="store_false",
                        help="store outbound-rule prefixes and DN ranges as sent (default: rewritten as a PBX does)")
    parser.add_argument("--seed", help="JSON file with initial data (same shape as POST /_sim/seed)")
    parser.add_argument("--record", help="append every API exchange to this JSON Lines file")
    parser.add_argument("--quiet", action="store_true", help="print nothing but the listening line")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser


def config_from_args(argv=None):
    """Parse the command line into a Config."""
    args = build_parser().parse_args(argv)
    if args.port < 0 or args.token_lifetime <= 0 or args.compile_delay < 0 or args.latency_ms < 0 or args.server_page_size < 0:
        build_parser().error("numeric options must not be negative (and --token-lifetime must be > 0)")
    return Config(**vars(args))
