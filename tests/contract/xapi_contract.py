"""Check recorded XAPI exchanges against the OpenAPI extract with openapi-core.

A record is one line of a simulator ``--record`` file: method, path, query, request
body and content type, status, response body and content type.  Usable on its own::

    python tests/contract/xapi_contract.py RECORDS.jsonl [MORE.jsonl ...]

Needs openapi-core and PyYAML.
"""

import json
import os
import re
import sys
import warnings

import yaml
from openapi_core import OpenAPI
from openapi_core.exceptions import OpenAPIError
from openapi_core.testing import MockRequest, MockResponse

HERE = os.path.dirname(os.path.abspath(__file__))
EXTRACT = os.path.join(HERE, "xapi-extract.yaml")
HOST_URL = "http://pbx.invalid"

# Paths the document does not describe (the token endpoint, the control API, and the
# OData service's EDM at $metadata): named here so that nothing is dropped silently; they
# are counted apart.
NOT_IN_SPEC = (re.compile(r"^/connect/token$"), re.compile(r"^/_sim(/|$)"), re.compile(r"^/xapi/v1/\$metadata$"))


def load_openapi(path=EXTRACT):
    """The extract as an openapi-core ``OpenAPI`` object (the document is validated too)."""
    with open(path, encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    return OpenAPI.from_dict(spec)


def describe(exc):
    """A readable reason for an openapi-core error: the error, then each schema error."""
    parts = [str(exc)]
    cause = exc.__cause__
    while cause is not None:
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            parts.extend("%s: %s" % ("/".join(str(p) for p in error.absolute_path) or "(body)", error.message)
                         for error in schema_errors)
        else:
            parts.append(str(cause))
        cause = cause.__cause__
    return " | ".join(dict.fromkeys(p for p in parts if p))


def _body_bytes(body):
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body).encode("utf-8")


def _bare_type(content_type):
    return (content_type or "application/json").split(";")[0].strip()


def _nested_commas_hidden(value):
    """An OData $expand/$select value whose commas inside parentheses are hidden.

    The document declares these options as comma-separated arrays of unique items, and openapi-core splits
    them at every comma; OData separates items only at the top level: in
    Groups($expand=Rights,GroupRights),Members($expand=Rights,GroupRights) the nested lists are part of their item.
    """
    depth, out = 0, []
    for char in value:
        depth += (char == "(") - (char == ")")
        out.append(";" if char == "," and depth > 0 else char)
    return "".join(out)


def to_request(record):
    """An openapi-core request for a record."""
    query = {k: (v if isinstance(v, list) else [v]) for k, v in (record.get("query") or {}).items()}
    for option in ("$expand", "$select"):
        if option in query:
            query[option] = [_nested_commas_hidden(value) for value in query[option]]
    headers = {}
    if record.get("request_content_type"):
        headers["Content-Type"] = record["request_content_type"]
    return MockRequest(HOST_URL, record["method"], record["path"], args=query, headers=headers,
                       data=_body_bytes(record.get("request_body")), content_type=_bare_type(record.get("request_content_type")))


def to_response(record):
    """An openapi-core response for a record."""
    content_type = record.get("response_content_type")
    headers = {"Content-Type": content_type} if content_type else {}
    return MockResponse(_body_bytes(record.get("response_body")), status_code=record["status"], headers=headers,
                        content_type=_bare_type(content_type))


class Report:
    """What a check found: violations and counts by kind of record."""

    def __init__(self):
        self.violations = []   # (where, side, reason)
        self.checked = 0
        self.not_in_spec = 0
        self.no_response = 0
        self.redirects = 0

    def summary(self):
        """One line for logs."""
        return ("%d XAPI exchanges checked, %d violations; %d non-XAPI records (token, control) skipped by path; "
                "%d exchanges without a response (dropped connections, request checked only); "
                "%d injected redirects (a web server's answer, not XAPI's: request checked only)"
                % (self.checked, len(self.violations), self.not_in_spec, self.no_response, self.redirects))

    def details(self):
        """Every violation, one per line."""
        return "\n".join("%s [%s] %s" % v for v in self.violations)


class ContractChecker:
    """Validates records; one instance can check many records and files."""

    def __init__(self, spec_path=EXTRACT):
        self.openapi = load_openapi(spec_path)

    @staticmethod
    def skipped_by_path(record):
        """True for the token endpoint, the control API and $metadata."""
        return any(p.match(record["path"]) for p in NOT_IN_SPEC)

    @staticmethod
    def injected_redirect(record):
        """True for a redirect fault: what a web server in front of the PBX answers, not XAPI."""
        return bool(record.get("fault")) and 300 <= (record.get("status") or 0) <= 399

    def check_record(self, record):
        """Violations of one XAPI record as a list of (side, reason)."""
        found = []
        request = to_request(record)
        with warnings.catch_warnings():
            # The document's OAuth2 scheme cannot be checked by openapi-core; it warns each time.
            warnings.simplefilter("ignore")
            try:
                self.openapi.validate_request(request)
            except OpenAPIError as exc:
                found.append(("request", describe(exc)))
            if record.get("status") is not None and not self.injected_redirect(record):
                try:
                    self.openapi.validate_response(request, to_response(record))
                except OpenAPIError as exc:
                    found.append(("response", describe(exc)))
        return found

    def check_records(self, records, source="records", report=None):
        """Check a sequence of records; non-XAPI paths are counted, never silently dropped."""
        report = report or Report()
        for index, record in enumerate(records):
            if self.skipped_by_path(record):
                report.not_in_spec += 1
                continue
            report.checked += 1
            if record.get("status") is None:
                report.no_response += 1
            elif self.injected_redirect(record):
                report.redirects += 1
            where = "%s#%d %s %s" % (source, index + 1, record["method"], record["path"])
            for side, reason in self.check_record(record):
                report.violations.append((where, side, reason))
        return report

    def check_file(self, path, report=None):
        """Check a JSON Lines record file; a missing or empty file is an error."""
        return self.check_records(read_records(path), os.path.basename(path), report)


def read_records(path):
    """Records of a JSON Lines file; raises ValueError when the file is missing or empty."""
    if not os.path.isfile(path):
        raise ValueError("record file %s does not exist" % path)
    with open(path, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    if not records:
        raise ValueError("record file %s is empty" % path)
    return records


def record_files_from_env(value):
    """Paths named in XAPI_CONTRACT_RECORDS (separated by blanks or colons)."""
    return [p for p in re.split(r"[\s:]+", value or "") if p]


def main(argv=None):
    """Check files given on the command line; exit 1 on any violation."""
    paths = sys.argv[1:] if argv is None else argv
    if not paths:
        sys.stderr.write("usage: xapi_contract.py RECORDS.jsonl [...]\n")
        return 2
    checker, report = ContractChecker(), Report()
    for path in paths:
        checker.check_file(path, report)
    print(report.summary())
    if report.violations:
        print(report.details())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
