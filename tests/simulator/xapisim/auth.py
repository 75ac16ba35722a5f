"""OAuth client-credentials tokens with the PBX's one-token-per-client rule."""

import base64
import json
import secrets
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def parse_token_form(content_type, raw_body):
    """The fields of a token request body, or None when it is neither kind of form.

    3CX's own tutorial client posts multipart/form-data; most clients post form-urlencoded.
    """
    bare = (content_type or "").split(";")[0].strip().lower()
    if not bare and not raw_body:  # an empty POST: a form without fields
        return {}
    if bare == FORM_TYPES[0]:
        return dict(parse_qsl(raw_body.decode("utf-8", "replace"), keep_blank_values=True))
    if bare != FORM_TYPES[1]:
        return None
    # The email parser reads MIME multipart bodies; it needs the header the body came with.
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
                                                  + raw_body)
    if not message.is_multipart():
        return None
    form = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            form[name] = part.get_payload(decode=True).decode("utf-8", "replace")
    return form


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class TokenStore:
    """Issues, checks and revokes bearer tokens.

    The PBX keeps one active token per client: issuing a new one revokes the previous
    one, which is what makes parallel workers sharing a client id log each other out.
    """

    def __init__(self, clock=time.time):
        self._lock = threading.Lock()
        self._by_token = {}    # token -> (client_id, expires_at)
        self._by_client = {}   # client_id -> token
        self._clock = clock

    def issue(self, client_id, lifetime):
        """Create a token for ``client_id`` valid ``lifetime`` seconds; revoke its previous one."""
        now = self._clock()
        token = self._make_token(client_id, now, lifetime)
        with self._lock:
            old = self._by_client.pop(client_id, None)
            if old is not None:
                self._by_token.pop(old, None)
            self._by_token[token] = (client_id, now + lifetime)
            self._by_client[client_id] = token
        return token

    @staticmethod
    def _make_token(client_id, now, lifetime):
        # JWT-shaped but opaque: the signature is random, the payload only informative.
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64(json.dumps({"client_id": client_id, "iat": int(now), "exp": int(now + lifetime),
                                   "jti": secrets.token_hex(8)}).encode())
        return "%s.%s.%s" % (header, payload, _b64(secrets.token_bytes(32)))

    def check(self, token):
        """Return None when valid, else why not ('missing', 'unknown', 'expired')."""
        if not token:
            return "missing"
        with self._lock:
            entry = self._by_token.get(token)
            if entry is None:
                return "unknown"
            if self._clock() >= entry[1]:
                del self._by_token[token]
                self._by_client.pop(entry[0], None)
                return "expired"
        return None

    def revoke_all(self):
        """Forget every token; returns how many were active."""
        with self._lock:
            count = len(self._by_token)
            self._by_token.clear()
            self._by_client.clear()
        return count

    def active_count(self):
        """Number of tokens issued and not yet revoked (expired ones may still count)."""
        with self._lock:
            return len(self._by_token)
