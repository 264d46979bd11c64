"""Who may call the CDS Services: JSON Web Tokens from trusted issuers (CDS Hooks 2.0, "Trusting
CDS Clients").

With no trusted issuer configured, the services answer anyone who can reach the server (by
default this computer only). With one or more, every call (discovery included, as the spec
says) must carry ``Authorization: Bearer <JWT>``:

- signed with RS384 or ES384 (the algorithms the spec recommends; ``none`` and shared-secret
  HMAC are what it forbids), with a ``kid`` naming a key of the issuer's JWK Set;
- ``iss`` one of the trusted issuers, and the signature checked against *that* issuer's JWK Set
  (a file, or a URL fetched with a timeout and cached; a ``jku`` in the token is never followed);
- ``aud`` the URL of the endpoint called (``{base}/cds-services`` or ``{base}/cds-services/{id}``);
- ``exp``, ``iat`` and ``jti`` present; not expired (a minute of clock skew allowed); a ``jti``
  seen before from the same issuer (a replay) is refused while the token would still be valid.

Anything else is a ``Refused`` with a message saying what was wrong (the token itself is never
logged or echoed).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screener.errors import InputError

ALGORITHMS = ("RS384", "ES384")
LEEWAY_SECONDS = 60
JWKS_TIMEOUT_SECONDS = 5.0
_MAX_REMEMBERED = 100_000


class Refused(Exception):
    """A call without a valid token from a trusted issuer (401); the message says why."""


@dataclass(frozen=True)
class _KeySource:
    """One issuer's JWK Set: read from a file once, or fetched from a URL (cached)."""

    where: str
    keys: Any = None
    """A ``jwt.PyJWKSet`` (a file), or a ``jwt.PyJWKClient`` (a URL)."""

    def key(self, kid: str) -> Any:
        import jwt

        if isinstance(self.keys, jwt.PyJWKClient):
            try:
                return self.keys.get_signing_key(kid)
            except jwt.PyJWKClientConnectionError:
                raise Refused("the issuer's key set (JWKS) could not be fetched") from None
            except jwt.PyJWKClientError:
                raise Refused(f"no key '{kid}' in the issuer's key set (JWKS)") from None
        try:
            return self.keys[kid]
        except KeyError:
            raise Refused(f"no key '{kid}' in the issuer's key set (JWKS)") from None


class TrustedIssuers:
    """The issuers whose tokens are accepted, each with its JWK Set, and the ``jti`` seen."""

    def __init__(self, sources: Mapping[str, _KeySource]) -> None:
        self._sources = dict(sources)
        self._seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, issuers: Mapping[str, str]) -> TrustedIssuers:
        """Issuer -> JWK Set (an http(s) URL, or a file). Files are read now: a bad one is an
        ``InputError`` naming it."""
        import jwt

        sources = {}
        for issuer, where in issuers.items():
            if where.startswith(("https://", "http://")):
                keys: Any = jwt.PyJWKClient(where, cache_jwk_set=True, lifespan=300, timeout=JWKS_TIMEOUT_SECONDS)
            else:
                keys = _key_set_file(Path(where), issuer)
            sources[issuer] = _KeySource(where, keys)
        return cls(sources)

    def __bool__(self) -> bool:
        return bool(self._sources)

    @property
    def issuers(self) -> list[str]:
        return list(self._sources)

    def verify(self, authorization: str | None, audience: str) -> dict[str, Any]:
        """The claims of a valid token for ``audience``, or ``Refused``."""
        import jwt

        scheme, _, token = (authorization or "").strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Refused("this CDS service needs a JSON Web Token: Authorization: Bearer <JWT>")
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise Refused("the Authorization header does not hold a readable JSON Web Token") from None
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm not in ALGORITHMS:
            raise Refused(f"tokens must be signed with {' or '.join(ALGORITHMS)}, not {algorithm!r}")
        if not isinstance(kid, str) or not kid:
            raise Refused("the token's header names no key (kid)")
        if header.get("typ") is not None and str(header["typ"]).upper() != "JWT":
            raise Refused("the token's type (typ) must be JWT")
        issuer = unverified.get("iss")
        source = self._sources.get(issuer) if isinstance(issuer, str) else None
        if source is None or not isinstance(issuer, str):
            raise Refused("the token's issuer (iss) is not a trusted issuer of this service")
        # Only asymmetric algorithms are accepted, so a key of the wrong type fails the signature
        # check (no algorithm confusion with a public key used as an HMAC secret).
        claims = _decoded(token, source.key(kid), algorithm, audience, issuer)
        self._remember(issuer, claims)
        return claims

    def _remember(self, issuer: str, claims: Mapping[str, Any]) -> None:
        now = time.time()
        with self._lock:
            if len(self._seen) >= _MAX_REMEMBERED:
                self._seen = {seen: until for seen, until in self._seen.items() if until > now}
            key = (issuer, str(claims["jti"]))
            if self._seen.get(key, 0) > now:
                raise Refused("this token (jti) was used before: each call needs a new one")
            self._seen[key] = float(claims["exp"]) + LEEWAY_SECONDS


def _decoded(token: str, key: Any, algorithm: str, audience: str, issuer: str) -> dict[str, Any]:
    import jwt

    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=[algorithm],
            audience=audience,
            issuer=issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "jti"]},
        )
    except jwt.ExpiredSignatureError:
        raise Refused("the token has expired (exp)") from None
    except jwt.InvalidAudienceError:
        raise Refused(f"the token is not for this endpoint: its audience (aud) must be {audience}") from None
    except jwt.MissingRequiredClaimError as error:
        raise Refused(f"the token has no '{error.claim}' claim") from None
    except jwt.ImmatureSignatureError:
        raise Refused("the token is issued in the future (iat)") from None
    except jwt.InvalidSignatureError:
        raise Refused("the token's signature does not match the issuer's key") from None
    except (jwt.PyJWTError, ValueError, TypeError) as error:
        raise Refused(f"the token is not valid ({type(error).__name__})") from None
    if not isinstance(claims.get("jti"), str) or not claims["jti"]:
        raise Refused("the token's jti must be a non-empty string")
    return claims


def _key_set_file(path: Path, issuer: str) -> Any:
    import jwt

    where = f"JWKS file {path} (trusted issuer {issuer})"
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(f"{where}: file not found", hint="give ISSUER=https://.../jwks.json or ISSUER=path/to/jwks.json") from None
    except OSError as error:
        raise InputError(f"{where}: cannot read ({error.strerror or error})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{where}: not a JSON file ({error})") from None
    if isinstance(data, dict) and "keys" not in data and "kty" in data:
        data = {"keys": [data]}  # a single JWK
    try:
        return jwt.PyJWKSet.from_dict(data)
    except (jwt.PyJWTError, KeyError, TypeError, AttributeError) as error:
        raise InputError(f"{where}: not a JSON Web Key Set with a usable public key ({error})") from None


def parse_issuer(spec: str) -> tuple[str, str]:
    """``ISSUER=JWKS`` (a URL or a file) as given to ``--cds-trusted-issuer``."""
    issuer, sign, where = spec.partition("=")
    # An issuer is a URL and may itself hold '=' (a query string): split at the last '=' before
    # the JWKS location when the location is a URL.
    marker = max(spec.rfind("=https://"), spec.rfind("=http://"))
    if marker > 0:
        issuer, where = spec[:marker], spec[marker + 1 :]
    if not sign or not issuer.strip() or not where.strip():
        raise InputError(
            f"--cds-trusted-issuer {spec!r}: expected ISSUER=JWKS, the issuer (iss) and its key set's URL or file",
            hint="for example --cds-trusted-issuer https://ehr.example.org=https://ehr.example.org/.well-known/jwks.json",
        )
    return issuer.strip(), where.strip()
