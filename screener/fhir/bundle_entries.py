"""The live entries of a Bundle, as a FHIR server or an EHR export writes them.

Bundles inside a Bundle are read (a collection of report Bundles); an entry that deletes its
resource, and in a history Bundle every version but the latest of each resource, is passed over;
and what the Bundle says of its records as a whole (one page of a longer search, the server's
OperationOutcome about its search) is said in the warnings, since a result or a medicine may then
be missing from the screen. Which entries make one record is ``screener.fhir.records``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timezone
from typing import Any

from screener.fhir.elements import json_type

_MAX_NESTING = 4  # Bundles inside Bundles read this deep (a collection of report Bundles is 2)


def bundle_notes(bundle: Mapping[str, Any], resources: Iterable[tuple[Mapping[str, Any], str, str | None]]) -> tuple[str, ...]:
    """What the Bundle says of its records as a whole: one page of a longer search, or what the
    server said about its search (an OperationOutcome: "some results withheld")."""
    paged = _next_page(bundle)
    said = [paged] if paged else []
    said += [_server_said(resource, where) for resource, where, _ in resources if resource.get("resourceType") == "OperationOutcome"]
    return tuple(said)


def _server_said(outcome: Mapping[str, Any], where: str) -> str:
    """An OperationOutcome in a search Bundle: the server's word that its search may be
    incomplete (results withheld, a resource type it could not search), said with its issues."""
    issues = outcome.get("issue")
    texts = []
    for issue in issues if isinstance(issues, list) else []:
        if isinstance(issue, dict):
            details = issue.get("details")
            text = issue.get("diagnostics") or (details.get("text") if isinstance(details, dict) else None) or issue.get("code")
            texts.append(f"{issue.get('severity', 'issue')}: {text}" if isinstance(text, str) else str(issue.get("severity", "issue")))
    told = f" ({'; '.join(texts)})" if texts else ""
    return (
        f"the server that made this Bundle added an OperationOutcome about its search ({where}){told}: "
        "its search may be incomplete, so a result or a medicine may be missing from this screen"
    )


def _next_page(bundle: Mapping[str, Any]) -> str | None:
    """What to say of a Bundle that is one page of a longer search (a ``link`` with relation
    ``next``, as a server pages an ``$everything`` or a search): the later pages are not fetched,
    and a potassium on one of them would be missing without a word."""
    links = bundle.get("link")
    for index, link in enumerate(links if isinstance(links, list) else []):
        if isinstance(link, dict) and link.get("relation") == "next":
            return (
                f"this Bundle is one page of a longer search ($.link[{index}], relation 'next'): later pages are not read, "
                "so a more recent result or another medicine may be missing; give the whole search (all pages) or a bulk export"
            )
    return None


def bundle_resources(
    bundle: Mapping[str, Any], where: str, depth: int, skipped: list[str] | None = None
) -> Iterator[tuple[Mapping[str, Any], str, str | None]]:
    """(resource, where, fullUrl) of every live entry of a Bundle, those of Bundles inside it
    included. An entry that deletes its resource (``request.method`` DELETE, in a history,
    transaction or batch Bundle), and in a history Bundle every version but the latest of each
    resource, is not read: what is said of them goes to ``skipped``, for the warnings."""
    skipped = [] if skipped is None else skipped
    entries = bundle.get("entry")
    listed = [(index, entry) for index, entry in enumerate(entries if isinstance(entries, list) else []) if isinstance(entry, dict)]
    no_resource = [
        f"{where}.entry[{index}]{'' if not isinstance(entry, dict) else '.resource'} is {json_type(entry if not isinstance(entry, dict) else entry['resource'])}"
        for index, entry in enumerate(entries if isinstance(entries, list) else [])
        if not isinstance(entry, dict) or ("resource" in entry and not isinstance(entry["resource"], dict) and _method(entry) != "DELETE")
    ]
    if no_resource:
        skipped.append(
            f"{len(no_resource)} entr{'y' if len(no_resource) == 1 else 'ies'} of this Bundle hold{'s' if len(no_resource) == 1 else ''} "
            f"no resource (an object) where one belongs ({'; '.join(no_resource[:5])}{'; ...' if len(no_resource) > 5 else ''}): "
            "not read, so a medicine, a result or a condition may be missing from this screen"
        )
    if bundle.get("type") == "history":
        listed = _latest_versions(listed, where, skipped)
    deleted = [index for index, entry in listed if _method(entry) == "DELETE"]
    if deleted:
        skipped.append(
            f"{len(deleted)} entr{'y' if len(deleted) == 1 else 'ies'} of this Bundle delete{'s' if len(deleted) == 1 else ''} "
            f"{'its resource' if len(deleted) == 1 else 'their resources'} (request.method DELETE: "
            f"{', '.join(f'{where}.entry[{index}]' for index in deleted[:5])}{', ...' if len(deleted) > 5 else ''}): not read"
        )
    for index, entry in listed:
        resource = entry.get("resource")
        if not isinstance(resource, dict) or _method(entry) == "DELETE":
            continue
        path = f"{where}.entry[{index}].resource"
        if resource.get("resourceType") == "Bundle" and depth < _MAX_NESTING:
            yield from bundle_resources(resource, path, depth + 1, skipped)
        else:
            full_url = entry.get("fullUrl")
            yield resource, path, full_url if isinstance(full_url, str) else None


def _method(entry: Mapping[str, Any]) -> Any:
    request = entry.get("request")
    method = request.get("method") if isinstance(request, dict) else None
    return method.strip().upper() if isinstance(method, str) else None


_ENTRY_TARGET = re.compile(r"(?:^|/)([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/[^/]*)?(?:\?.*)?$")
_ETAG_VERSION = re.compile(r'^(?:W/)?"([^"]+)"$')


def _latest_versions(listed: list[tuple[int, Any]], where: str, skipped: list[str]) -> list[tuple[int, Any]]:
    """A history Bundle's entries, only the latest version of each resource kept (a deletion
    included: a resource whose latest version is its deletion is not read at all). Latest by
    ``meta.versionId`` when both versions give a whole number, else by ``meta.lastUpdated``
    (``response.etag`` and ``response.lastModified`` for an entry without a resource), else by
    entry order: the FHIR spec (http.html#history) sorts a history with the oldest versions last."""
    latest: dict[tuple[str, str], tuple[int, Any]] = {}
    order: list[tuple[str, str] | int] = []
    older = 0
    for index, entry in listed:
        key = _entry_identity(entry)
        if key is None:
            order.append(index)
            continue
        if key not in latest:
            latest[key] = (index, entry)
            order.append(key)
            continue
        older += 1
        if _is_newer(entry, latest[key][1]):
            latest[key] = (index, entry)
    if older:
        skipped.append(
            f"this is a history Bundle ({where}.type): {older} older version{'s' if older != 1 else ''} of resources it also holds "
            f"in a later version {'were' if older != 1 else 'was'} not read (only the latest version of each resource counts)"
        )
    by_index = dict(listed)
    return sorted((latest[one] if isinstance(one, tuple) else (one, by_index[one]) for one in order), key=lambda pair: pair[0])


def _entry_identity(entry: Mapping[str, Any]) -> tuple[str, str] | None:
    """(resourceType, id) an entry of a history Bundle is a version of: its resource's, else
    what its request URL or fullUrl names (a deletion carries no resource)."""
    resource = entry.get("resource")
    if isinstance(resource, dict) and isinstance(resource.get("resourceType"), str) and isinstance(resource.get("id"), str):
        return resource["resourceType"], resource["id"]
    request = entry.get("request")
    for url in (request.get("url") if isinstance(request, dict) else None, entry.get("fullUrl")):
        match = _ENTRY_TARGET.search(url.strip()) if isinstance(url, str) else None
        if match:
            return match[1], match[2]
    return None


def _version(entry: Mapping[str, Any]) -> tuple[int | None, str | None]:
    resource = entry.get("resource")
    meta = resource.get("meta") if isinstance(resource, dict) else None
    given = entry.get("response")
    response: Mapping[str, Any] = given if isinstance(given, dict) else {}
    version = meta.get("versionId") if isinstance(meta, dict) else None
    if version is None and isinstance(response.get("etag"), str):
        found = _ETAG_VERSION.match(response["etag"].strip())
        version = found[1] if found else None
    updated = meta.get("lastUpdated") if isinstance(meta, dict) else None
    updated = updated if isinstance(updated, str) else response.get("lastModified")
    number = int(version) if isinstance(version, str) and version.strip().isdigit() else None
    return number, updated if isinstance(updated, str) else None


def _is_newer(entry: Mapping[str, Any], than: Mapping[str, Any]) -> bool:
    """Whether a later entry of a history Bundle is a newer version than an earlier one."""
    (version, updated), (other_version, other_updated) = _version(entry), _version(than)
    if version is not None and other_version is not None and version != other_version:
        return version > other_version
    mine, theirs = _instant(updated), _instant(other_updated)
    if mine is not None and theirs is not None and mine != theirs:
        return mine > theirs
    return False  # entry order: the newest comes first


def _instant(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
