"""Reading a patient's resources from an EHR's FHIR server, for a CDS Hooks call whose client
did not prefetch them (it gives ``fhirServer`` and, usually, ``fhirAuthorization``).

The server is named by whoever calls the hook, so every request is fenced in:

- only ``http`` and ``https`` (never ``file:`` or another scheme urllib would open);
- a timeout on each request and a deadline for the whole call;
- a budget of bytes for the whole call, counted while reading (a false or missing
  Content-Length does not get around it);
- a redirect is followed only to the same scheme, host and port (the bearer token goes with it,
  so it must never reach another host), and so is a search's ``next`` page link;
- a search whose later page cannot be read (another host, more pages than allowed, an error)
  keeps the pages read and says why it stopped (``Found.cut_short``): one bad page never throws
  away the results already read;
- a failure is a ``FetchError`` whose message names the search and what went wrong, never the
  access token or the server's reply (which may hold patient data).

Nothing is logged here.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any

FHIR_JSON = "application/fhir+json"
_CHUNK = 64 * 1024


class FetchError(Exception):
    """A FHIR read or search that could not be done; the message says which (``what``) and why
    (``reason``), for people."""

    def __init__(self, reason: str, what: str | None = None) -> None:
        super().__init__(f"{what}: {reason}" if what else reason)
        self.reason = reason
        self.what = what


@dataclass
class Found:
    """What a read or search gave: its resources with where each was found, the pages read,
    and why the search stopped before its last page (None: it was read whole)."""

    resources: list[tuple[Mapping[str, Any], str]]
    pages: int
    cut_short: str | None = None


@dataclass(frozen=True)
class FetchLimits:
    """How much one CDS Hooks call may ask of a FHIR server."""

    timeout_seconds: float = 5.0
    """Longest wait for the server on any one request (connecting, or between bytes read)."""
    deadline_seconds: float = 5.0
    """Longest time all the reads of one call may take together (the prefetch keys not prefetched
    are read at the same time, so a slow server costs this once per call)."""
    max_bytes: int = 4 * 1024 * 1024
    """Most bytes read from the server in one call, all requests together."""
    max_pages: int = 5
    """Most pages read for one search (its ``next`` links)."""


class _RefusedRedirect(FetchError):
    pass


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only when it stays on the same scheme, host and port (the access token
    goes with it)."""

    def redirect_request(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: http.client.HTTPMessage, newurl: str
    ) -> urllib.request.Request | None:
        target = urllib.parse.urljoin(req.full_url, newurl)
        if _origin(target) != _origin(req.full_url):
            fp.close()
            raise _RefusedRedirect(f"the FHIR server redirected to another host ({_origin_text(target)}): not followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@dataclass
class FhirServer:
    """One CDS Hooks call's view of the EHR's FHIR server: its base URL and access token."""

    base_url: str
    access_token: str | None = None
    limits: FetchLimits = field(default_factory=FetchLimits)
    _read: int = 0
    _started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        problem = base_url_problem(self.base_url)
        if problem:
            raise FetchError(problem)
        self.base_url = self.base_url.rstrip("/")
        self._opener = urllib.request.build_opener(_SameOriginRedirects())
        self._lock = threading.Lock()  # the keys of one call are read at the same time

    def search(self, query: str, what: str, pages_before: int = 0) -> Found:
        """What a read (``Patient/123``) or search (``Condition?patient=123``) gives, each
        resource with where it was found (``$.entry[2].resource``, ``page 2: $.entry[0].resource``);
        a search is followed through its ``next`` links, up to the page limit. When a later page
        cannot be read (another host, the page limit, an error), the pages read are kept and
        ``cut_short`` says why. A ``FetchError`` only when the first page cannot be read.
        ``what`` names it in messages; ``pages_before``: pages already read elsewhere (a
        prefetched first page, whose ``next`` link ``query`` then is: absolute, on this server)."""
        absolute = query.startswith(("http://", "https://"))
        if absolute and _origin(query) != _origin(self.base_url):
            raise FetchError(f"its next page is on another host, {_origin_text(query)}, where the access token must not go", what)
        url = query if absolute else f"{self.base_url}/{query_url(query)}"
        out = Found([], pages_before)
        while True:
            try:
                page = self._page(url, what, out)
            except FetchError as error:
                if out.pages == pages_before:
                    raise
                out.cut_short = error.reason
                return out
            if page is None:
                return out
            url = page

    def resolved(self, link: str) -> str:
        """A ``next`` link of a page the EHR sent (a prefetched first page), absolute: a relative
        one is resolved against the server's base, as FHIR's relative URLs are (RFC 3986)."""
        return urllib.parse.urljoin(f"{self.base_url}/", link.strip())

    def _page(self, url: str, what: str, out: Found) -> str | None:
        """Read one page into ``out``; its ``next`` link (None at the end)."""
        if out.pages >= self.limits.max_pages:
            raise FetchError(f"it has more than {self.limits.max_pages} pages, the most read for one search", what)
        found = self.get(url, what)
        out.pages += 1
        if found.get("resourceType") != "Bundle":
            out.resources.append((found, "$"))
            return None
        for index, entry in enumerate(found.get("entry") or ()):
            if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
                where = f"$.entry[{index}].resource" if out.pages == 1 else f"page {out.pages}: $.entry[{index}].resource"
                out.resources.append((entry["resource"], where))
        following = next_link(found)
        if following is not None:
            # A relative link (``?page=2``, ``/fhir/Observation?...``) is resolved against the URL of
            # the page that holds it, its base URI (RFC 3986, 5.1.3); only then is its host compared.
            following = urllib.parse.urljoin(url, following.strip())
        if following is not None and _origin(following) != _origin(self.base_url):
            raise FetchError(f"its next page is on another host, {_origin_text(following)}, where the access token must not go", what)
        return following

    def get(self, url: str, what: str) -> dict[str, Any]:
        """One FHIR JSON resource from ``url`` (absolute, on this server)."""
        headers = {"Accept": FHIR_JSON}
        if self.access_token:
            headers["Authorization"] = f"Bearer {self.access_token}"
        request = urllib.request.Request(url, headers=headers, method="GET")
        try:
            with self._opener.open(request, timeout=self._timeout(what)) as response:
                body = self._body(response, what)
        except _RefusedRedirect as error:
            raise FetchError(error.reason, what) from None
        except urllib.error.HTTPError as error:
            error.close()
            raise FetchError(f"the FHIR server answered {error.code}{_reason(error.code)}", what) from None
        except urllib.error.URLError as error:
            raise FetchError(f"the FHIR server could not be reached ({_plain_reason(error.reason)})", what) from None
        except TimeoutError:
            raise FetchError(f"the FHIR server did not answer within {self.limits.timeout_seconds:g} s", what) from None
        except (OSError, http.client.HTTPException, ValueError) as error:
            reason = getattr(error, "strerror", None) or type(error).__name__
            raise FetchError(f"the FHIR server could not be read ({reason})", what) from None
        try:
            value = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise FetchError("the FHIR server's answer is not JSON", what) from None
        if not isinstance(value, dict) or not isinstance(value.get("resourceType"), str):
            raise FetchError("the FHIR server's answer is not a FHIR resource", what)
        if value["resourceType"] == "OperationOutcome":
            raise FetchError("the FHIR server answered with an OperationOutcome (an error)", what)
        return value

    def _timeout(self, what: str) -> float:
        left = self.limits.deadline_seconds - (time.monotonic() - self._started)
        if left <= 0:
            raise FetchError(f"the {self.limits.deadline_seconds:g} s allowed for reading the FHIR server were used up", what)
        return min(self.limits.timeout_seconds, left)

    def _body(self, response: http.client.HTTPResponse, what: str) -> bytes:
        left = self.limits.max_bytes - self._read
        declared = response.headers.get("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > left:
            raise FetchError(f"the FHIR server's answer is larger than the {self.limits.max_bytes:,} bytes accepted", what)
        chunks: list[bytes] = []
        while True:
            if time.monotonic() - self._started > self.limits.deadline_seconds:
                raise FetchError(f"the FHIR server took longer than {self.limits.deadline_seconds:g} s", what)
            chunk = response.read(_CHUNK)
            if not chunk:
                break
            with self._lock:
                self._read += len(chunk)
                over = self._read > self.limits.max_bytes
                if over:  # this answer is thrown away: the other reads of the call keep their share
                    self._read -= len(chunk) + sum(len(kept) for kept in chunks)
            if over:
                raise FetchError(f"the FHIR server's answers are larger than the {self.limits.max_bytes:,} bytes accepted", what)
            chunks.append(chunk)
        return b"".join(chunks)


def base_url_problem(url: str) -> str | None:
    """What is wrong with a ``fhirServer`` value, or None."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "fhirServer must be an http or https URL"
    if parts.username or parts.password:
        return "fhirServer must not carry a user name or password (use fhirAuthorization)"
    if parts.query or parts.fragment:
        return "fhirServer must be a base URL, without a query or fragment"
    return None


def query_url(query: str) -> str:
    """A relative FHIR read or search, its query string encoded (``|`` in a token search too)."""
    path, _, search = query.partition("?")
    if not search:
        return path
    pairs = urllib.parse.parse_qsl(search, keep_blank_values=True)
    return f"{path}?{urllib.parse.urlencode(pairs, safe=',:/')}"


def next_link(bundle: Mapping[str, Any]) -> str | None:
    for link in bundle.get("link") or ():
        if isinstance(link, dict) and link.get("relation") == "next" and isinstance(link.get("url"), str):
            return str(link["url"])
    return None


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        port = None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _origin_text(url: str) -> str:
    scheme, host, port = _origin(url)
    return f"{scheme}://{host}:{port}" if port else f"{scheme}://{host}"


def _reason(code: int) -> str:
    return {
        401: " (unauthorised: the access token was refused)",
        403: " (forbidden: the access token does not allow it)",
        404: " (not found)",
    }.get(code, "")


def _plain_reason(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, OSError):
        return reason.strerror or type(reason).__name__
    return str(reason)
