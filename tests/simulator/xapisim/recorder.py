"""The request log behind ``/_sim/requests`` and the ``--record`` JSON Lines file.

Neither ever holds a secret: token requests are logged with the secret and the token
replaced by ``REDACTED`` and no header is kept at all.
"""

import json
import threading
import time
from datetime import datetime, timezone

REDACTED = "REDACTED"
WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")


def utc_now_iso():
    """Current UTC time as ISO 8601 with microseconds and a Z."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def query_dict(pairs):
    """Decoded query parameters as a dict; a repeated name maps to a list of values."""
    result = {}
    for name, value in pairs:
        if name in result:
            previous = result[name]
            result[name] = previous + [value] if isinstance(previous, list) else [previous, value]
        else:
            result[name] = value
    return result


class RequestLog:
    """Summary of every API and token request, in arrival order."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries = []
        self._seq = 0

    def next_seq(self):
        """Reserve a sequence number for a request that is starting."""
        with self._lock:
            self._seq += 1
            return self._seq

    def add(self, entry):
        """Append one summary (seq, time, method, path, query, status, kind)."""
        with self._lock:
            self._entries.append(entry)

    def clear(self):
        """Forget every entry (sequence numbers go on)."""
        with self._lock:
            self._entries.clear()

    def entries(self):
        """The public view of the log (without the internal ``kind``)."""
        with self._lock:
            return [{k: v for k, v in e.items() if k != "kind"} for e in self._entries]

    def stats(self):
        """Counts by method and status, writes, token requests and the total."""
        methods, statuses = {}, {}
        writes = tokens = 0
        with self._lock:
            for entry in self._entries:
                status = str(entry["status"])
                statuses[status] = statuses.get(status, 0) + 1
                if entry["kind"] == "token":
                    tokens += 1
                    continue
                methods[entry["method"]] = methods.get(entry["method"], 0) + 1
                if entry["method"] in WRITE_METHODS:
                    writes += 1
            total = len(self._entries)
        return {"methods": methods, "statuses": statuses, "writes": writes, "token_requests": tokens, "total": total}


class Recorder:
    """Appends one JSON object per exchange to a file (``--record``)."""

    def __init__(self, path):
        self._lock = threading.Lock()
        self.path = path
        # Opened once in append mode: several runs may add to the same file.
        self._file = open(path, "a", encoding="utf-8")  # pylint: disable=consider-using-with

    def write(self, record):
        """Write and flush one record so that a killed simulator loses nothing."""
        line = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()

    def close(self):
        """Close the file."""
        with self._lock:
            self._file.close()


def redact_token_request(form):
    """Form fields of a token request with the secret hidden."""
    return {k: (REDACTED if k == "client_secret" else v) for k, v in form.items()}


def redact_token_response(body):
    """A token answer with the token hidden."""
    if isinstance(body, dict) and body.get("access_token"):
        body = dict(body, access_token=REDACTED)
    return body


def monotonic_ms(start):
    """Milliseconds elapsed since ``start`` (a time.perf_counter value)."""
    return round((time.perf_counter() - start) * 1000.0, 3)
