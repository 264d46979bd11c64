"""An EHR calling our CDS Hooks services, for the tests: its patients (the Synthea-style fixture
of tests/fhir/, as an EHR's FHIR server would give them), the hook requests it sends, a real
FHIR server of its own on 127.0.0.1, and the signed JWTs it presents."""

from __future__ import annotations

import contextlib
import copy
import json
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from web_support import _SCREENER, TEST_SETTINGS

from screener.web.app import create_app
from screener.web.cds import CdsSettings, cds_router, cds_web_settings

FIXTURE = Path(__file__).resolve().parent / "fhir" / "synthea-style-five-patients.json"
SCHEMA = Path(__file__).resolve().parent / "fhir" / "cds-hooks-2.0.schema.json"
AS_OF = date(2025, 6, 30)
"""The fixture's reference date (its results are dated for it)."""


def patient_id(number: int) -> str:
    return f"{number:08d}-5e1a-4c2b-9f00-{number:012d}"


ELEANOR, MARCUS, PRIYA, WALTER, SOFIA = (patient_id(n) for n in range(1, 6))


def ehr_resources() -> list[dict[str, Any]]:
    """The fixture's resources as an EHR's FHIR server holds them: references ``Patient/<id>``
    (the fixture is a transaction Bundle, whose references are ``urn:uuid:``)."""
    bundle = json.loads(FIXTURE.read_text("utf-8"))
    text = json.dumps([entry["resource"] for entry in bundle["entry"]]).replace('"urn:uuid:', '"')
    resources: list[dict[str, Any]] = json.loads(text)
    for resource in resources:
        for key in ("subject", "patient", "medicationReference"):
            reference = resource.get(key)
            if isinstance(reference, dict) and "/" not in reference.get("reference", "/"):
                kind = "Medication" if key == "medicationReference" else "Patient"
                reference["reference"] = f"{kind}/{reference['reference']}"
    return resources


def of_patient(patient: str, resources: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    resources = ehr_resources() if resources is None else resources
    mine = []
    for resource in resources:
        subject = resource.get("subject") or {}
        if resource.get("id") == patient or subject.get("reference") == f"Patient/{patient}":
            mine.append(resource)
    return mine


def searchset(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [{"fullUrl": f"https://ehr.example/fhir/{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": "match"}} for r in resources],
    }


PREFETCH_TYPES = {
    "patient": "Patient",
    "medicationRequests": "MedicationRequest",
    "medicationStatements": "MedicationStatement",
    "labResults": "Observation",
    "conditions": "Condition",
    "pregnancyStatus": "Observation",
}


def prefetch_for(patient: str, resources: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What an EHR prefetches for our templates: the Patient, and a searchset (or null when the
    search finds nothing) for each search. The Observation searches keep only the codes they ask for."""
    mine = of_patient(patient, resources)
    asked = {"labResults": {"2823-3", "6298-4", "2601-3", "19123-9"}, "pregnancyStatus": {"82810-3", "11449-6"}}
    prefetch: dict[str, Any] = {}
    for key, kind in PREFETCH_TYPES.items():
        found = [r for r in mine if r["resourceType"] == kind]
        if kind == "Patient":
            prefetch[key] = found[0] if found else None
            continue
        if kind == "Observation":
            found = [r for r in found if any(c.get("code") in asked[key] for c in r["code"]["coding"])]
        if kind in ("MedicationRequest", "MedicationStatement"):
            found = [r for r in found if r.get("status") == "active"]
        prefetch[key] = searchset(found) if found else None
    return prefetch


def hook_request(hook: str, patient: str, prefetch: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    """A hook request as an EHR sends it."""
    request: dict[str, Any] = {
        "hookInstance": str(uuid.uuid4()),
        "hook": hook,
        "context": {"userId": "Practitioner/example", "patientId": patient},
    }
    if prefetch is not None:
        request["prefetch"] = prefetch
    for key, value in more.items():
        if key in ("draftOrders", "selections"):
            request["context"][key] = value
        else:
            request[key] = value
    return request


def medication_order(patient: str, display: str, *, order_id: str = "draft-1", status: str = "draft") -> dict[str, Any]:
    """A MedicationRequest being ordered (order-select's draftOrders)."""
    return {
        "resourceType": "MedicationRequest",
        "id": order_id,
        "status": status,
        "intent": "order",
        "medicationCodeableConcept": {
            "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "0", "display": display}],
            "text": display,
        },
        "subject": {"reference": f"Patient/{patient}"},
        "authoredOn": date.today().isoformat(),
    }


def draft_orders(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}


def cds_client(settings: CdsSettings | None = None, issuers: Any = None) -> TestClient:
    """Our server, with the CDS services on the fixture's reference date (in-process)."""
    settings = settings or CdsSettings(as_of=AS_OF)
    app = create_app(_SCREENER.get(), settings=cds_web_settings(TEST_SETTINGS, settings), routers=[cds_router(settings, issuers)])
    return TestClient(app, base_url="http://testserver")


def json_leaves_are_not_empty(value: Any, path: str = "$") -> list[str]:
    """Where a JSON value holds null, "", [] or {} (the spec: elements are never null or empty)."""
    if value is None or value == "" or value == [] or value == {}:
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in json_leaves_are_not_empty(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in json_leaves_are_not_empty(item, f"{path}[{index}]")]
    return []


# -- the EHR's FHIR server ----------------------------------------------------------------------


@dataclass
class FakeFhirServer:
    """A FHIR server really listening on 127.0.0.1: reads ``Type/id`` and searches ``Type?patient=``
    over the resources it holds (``_sort=-date``: newest first), and remembers every request (path
    and Authorization header)."""

    resources: list[dict[str, Any]]
    token: str | None = "ehr-access-token"
    """The bearer token it requires (None: none)."""
    page_size: int = 100
    behaviour: Callable[[BaseHTTPRequestHandler], bool] | None = None
    """Answers a request itself when it returns True (redirects, errors, slowness...)."""
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    base_url: str = ""

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        self.requests.append((handler.path, handler.headers.get("Authorization")))
        if self.behaviour is not None and self.behaviour(handler):
            return
        if self.token is not None and handler.headers.get("Authorization") != f"Bearer {self.token}":
            send(handler, 401, {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "login"}]})
            return
        parts = urllib.parse.urlsplit(handler.path)
        path = parts.path.removeprefix("/fhir/")
        query = dict(urllib.parse.parse_qsl(parts.query))
        if "/" in path:
            kind, _, identity = path.partition("/")
            found = [r for r in self.resources if r["resourceType"] == kind and r.get("id") == identity]
            if found:
                send(handler, 200, found[0])
            else:
                send(handler, 404, {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "not-found"}]})
            return
        send(handler, 200, self.search(path, query))

    def search(self, kind: str, query: dict[str, str]) -> dict[str, Any]:
        patient = query.get("patient", "")
        found = [r for r in self.resources if r["resourceType"] == kind and (r.get("subject") or {}).get("reference") == f"Patient/{patient}"]
        if "status" in query:
            found = [r for r in found if r.get("status") in query["status"].split(",")]
        if "code" in query:
            wanted = {tuple(token.split("|", 1)) for token in query["code"].split(",")}
            found = [r for r in found if any((c.get("system"), c.get("code")) in wanted for c in r["code"]["coding"])]
        if query.get("_sort") == "-date":  # newest first, as the lab search asks
            found = sorted(found, key=lambda r: str(r.get("effectiveDateTime", "")), reverse=True)
        offset = int(query.get("_offset", "0"))
        page = searchset(found[offset : offset + self.page_size])
        if offset + self.page_size < len(found):
            rest = dict(query, _offset=str(offset + self.page_size))
            page["link"] = [{"relation": "next", "url": f"{self.base_url}/{kind}?{urllib.parse.urlencode(rest)}"}]
        return page


def send(handler: BaseHTTPRequestHandler, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/fhir+json")
    handler.send_header("Content-Length", str(len(data)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(data)


@contextlib.contextmanager
def running_fhir_server(fake: FakeFhirServer) -> Iterator[FakeFhirServer]:
    """The fake FHIR server listening on a free port of 127.0.0.1; ``fake.base_url`` is set."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fake.handle(self)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/fhir"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


# -- signed tokens ------------------------------------------------------------------------------


@dataclass
class Signer:
    """An EHR's key pair (generated here) and the JWTs it signs."""

    issuer: str
    algorithm: str = "ES384"
    kid: str = "ehr-key-1"
    private_key: Any = None

    def __post_init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric import ec, rsa

        if self.private_key is None:
            if self.algorithm.startswith("ES"):
                self.private_key = ec.generate_private_key(ec.SECP384R1())
            else:
                self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self) -> dict[str, Any]:
        from jwt.algorithms import ECAlgorithm, RSAAlgorithm

        family = ECAlgorithm if self.algorithm.startswith("ES") else RSAAlgorithm
        jwk = json.loads(family.to_jwk(self.private_key.public_key()))
        jwk.update(kid=self.kid, alg=self.algorithm, use="sig")
        return {"keys": [jwk]}

    def write_jwks(self, folder: Path) -> Path:
        path = folder / f"jwks-{self.kid}.json"
        path.write_text(json.dumps(self.jwks()), encoding="utf-8")
        return path

    def token(self, audience: str, **changes: Any) -> str:
        import jwt

        now = int(time.time())
        claims: dict[str, Any] = {"iss": self.issuer, "aud": audience, "exp": now + 300, "iat": now, "jti": str(uuid.uuid4())}
        claims.update(changes)
        claims = {name: value for name, value in claims.items() if value is not None}
        headers = {"kid": self.kid, "typ": "JWT"}
        return jwt.encode(claims, self.private_key, algorithm=self.algorithm, headers=headers)


def copied(value: Any) -> Any:
    return copy.deepcopy(value)


# -- our server, really listening ---------------------------------------------------------------

SPEC_EXAMPLES = Path(__file__).resolve().parent / "fhir" / "cds-hooks-2.0-spec-examples.json"
"""The example requests of the CDS Hooks specification (github.com/cds-hooks/docs), as it gives them."""


def spec_examples() -> dict[str, Any]:
    examples: dict[str, Any] = json.loads(SPEC_EXAMPLES.read_text("utf-8"))
    return examples


@contextlib.contextmanager
def serving(settings: CdsSettings | None = None) -> Iterator[str]:
    """Our server as `mgk-screen serve` makes it (``prepare`` included), on uvicorn really
    listening on 127.0.0.1; yields its base URL."""
    from web_support import running_server

    from screener.web.cds import prepare

    settings = settings or CdsSettings(as_of=AS_OF)
    app = create_app(_SCREENER.get(), settings=cds_web_settings(TEST_SETTINGS, settings), routers=[cds_router(settings)])
    prepare(app, settings)
    with running_server(app) as base:
        yield base


@dataclass
class Answer:
    """An HTTP answer: status, headers (names in lower case) and body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def http(method: str, url: str, body: Any = None, *, raw: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
    """One request as an EHR's HTTP client sends it (JSON unless ``raw`` is given)."""
    import urllib.error
    import urllib.request

    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    sent = {"Content-Type": "application/json"} if data is not None and raw is None else {}
    request = urllib.request.Request(url, data=data, method=method, headers={**sent, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Answer(int(response.status), {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Answer(int(error.code), {k.lower(): v for k, v in error.headers.items()}, error.read())
