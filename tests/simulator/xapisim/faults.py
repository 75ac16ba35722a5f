"""Injected faults: error statuses, redirects, extra latency, slow bodies and dropped connections."""

import threading

from .config import non_negative_number
from .errors import ApiError

_FIELDS = ("status", "count", "method", "path", "retry_after", "latency_ms", "drop", "phase", "trickle_ms", "location")


class Fault:
    """One queued fault; it applies to the next ``count`` matching API requests."""

    def __init__(self, spec):
        self.status = spec.get("status")
        self.count = spec.get("count", 1)
        self.method = spec.get("method")
        self.path = spec.get("path")
        self.retry_after = spec.get("retry_after")
        self.latency_ms = spec.get("latency_ms", 0) or 0
        self.drop = bool(spec.get("drop", False))
        self.phase = spec.get("phase", "before")
        self.trickle_ms = spec.get("trickle_ms", 0) or 0
        self.location = spec.get("location")

    def matches(self, method, path):
        """Method compared case-insensitively, path as a substring of the request path."""
        if self.method and self.method.upper() != method.upper():
            return False
        return not self.path or self.path in path

    def describe(self):
        """JSON view of the fault (what is left of it)."""
        return {name: getattr(self, name) for name in _FIELDS}


def parse_fault(spec):
    """Validate a fault description from ``POST /_sim/faults``."""
    if not isinstance(spec, dict):
        raise ApiError(400, {"error": "a fault must be a JSON object"})
    unknown = set(spec) - set(_FIELDS)
    if unknown:
        raise ApiError(400, {"error": "unknown fault fields: %s" % ", ".join(sorted(unknown))})
    fault = Fault(spec)
    problems = []
    if fault.status is not None and (not isinstance(fault.status, int) or isinstance(fault.status, bool)
                                     or not 100 <= fault.status <= 599):
        problems.append("status must be an HTTP status code")
    if not isinstance(fault.count, int) or isinstance(fault.count, bool) or fault.count < 1:
        problems.append("count must be an integer >= 1")
    if fault.phase not in ("before", "after"):
        problems.append("phase must be 'before' or 'after'")
    if not non_negative_number(fault.latency_ms):
        problems.append("latency_ms must be a number >= 0")
    if fault.retry_after is not None and not isinstance(fault.retry_after, (int, float, str)):
        problems.append("retry_after must be a number or a string")
    if not non_negative_number(fault.trickle_ms):
        problems.append("trickle_ms must be a number >= 0")
    redirect = isinstance(fault.status, int) and 300 <= fault.status <= 399
    if redirect != (fault.location is not None):
        problems.append("location and a 3xx status go together")
    elif fault.location is not None and (not isinstance(fault.location, str) or not fault.location):
        problems.append("location must be a URL")
    if fault.status is None and not fault.drop and not fault.latency_ms and not fault.trickle_ms:
        problems.append("a fault needs a status, drop:true, latency_ms or trickle_ms")
    if problems:
        raise ApiError(400, {"error": "; ".join(problems)})
    return fault


class FaultQueue:
    """Faults in the order they were queued; the first match wins and is used up."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []

    def add(self, fault):
        """Queue a parsed fault."""
        with self._lock:
            self._faults.append(fault)

    def clear(self):
        """Drop every queued fault."""
        with self._lock:
            self._faults.clear()

    def take(self, method, path):
        """Consume one use of the first fault matching this request, or return None."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def pending(self):
        """JSON view of the queue."""
        with self._lock:
            return [f.describe() for f in self._faults]
