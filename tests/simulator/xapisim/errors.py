"""Error answers in the shapes the real server uses.

XAPI answers failures with the OData error body
``{"error": {"code": "", "message": "...", "details": [...]}}``; the token endpoint uses the
OAuth shape ``{"error": "...", "error_description": "..."}``.
"""

# What live PBXs answer, for POST and PATCH alike, when a body cannot be bound (an unknown
# property, a wrong JSON type, a bad enum member): no details, no target, so the property at
# fault is not named.
BIND_FAILED = "The input was not valid.\n\ndelta:\nThe delta field is required."


class ApiError(Exception):
    """An error answer: raising it anywhere in a handler ends the request with it."""

    def __init__(self, status, body, headers=None):
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = headers or {}


def odata_body(message, details=None, code="", target=None):
    """Build an OData error body; ``target`` is left out when it has no value."""
    error = {"code": code, "message": message}
    if target is not None:
        error["target"] = target
    error["details"] = details or []
    return {"error": error}


def detail(message, target=None, code=""):
    """One element of ``error.details``."""
    item = {"code": code, "message": message}
    if target is not None:
        item["target"] = target
    return item


def odata_error(status, message, details=None, headers=None):
    """An ApiError with an OData body."""
    return ApiError(status, odata_body(message, details), headers)


def warning_error(target, token):
    """A 400 the way 3CX reports a refused value: ``Target:\\nWARNINGS.XAPI.X``."""
    return ApiError(400, odata_body("%s:\n%s" % (target, token), [detail(token, target)]))


def bind_error():
    """The 400 of a body that does not bind, exactly as live PBXs give it."""
    return ApiError(400, {"error": {"code": "", "message": BIND_FAILED}})


def query_error(reason):
    """A 400 for an invalid or unsupported query option."""
    return ApiError(400, odata_body("The query specified in the URI is not valid. " + reason))


def not_found(message="Not Found"):
    """A 404 with an OData body."""
    return ApiError(404, odata_body(message))


def oauth_error(status, error, description):
    """An OAuth-style error of the token endpoint."""
    return ApiError(status, {"error": error, "error_description": description})
