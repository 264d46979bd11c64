"""Trusted issuers: with any configured, a CDS Hooks call (discovery included) needs a JWT signed
by one of them for the endpoint called; without, it is refused with 401 and a reason."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from cds_support import (
    AS_OF,
    ELEANOR,
    FakeFhirServer,
    Signer,
    cds_client,
    hook_request,
    prefetch_for,
    running_fhir_server,
    send,
)
from web_support import running_server

from screener.errors import InputError
from screener.web.app import WebSettings, create_app
from screener.web.cds import CdsSettings, cds_router, cds_settings, cds_web_settings
from screener.web.cds_auth import parse_issuer

EHR = "https://ehr.example.org"
SERVICE = "http://testserver/cds-services/patient-view"


@pytest.fixture(scope="module")
def signer() -> Signer:
    return Signer(EHR, "ES384")


@pytest.fixture(scope="module")
def client(signer: Signer, tmp_path_factory: pytest.TempPathFactory) -> Any:
    jwks = signer.write_jwks(tmp_path_factory.mktemp("keys"))
    return cds_client(CdsSettings(as_of=AS_OF, trusted_issuers={EHR: str(jwks)}))


def call(client: Any, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post("/cds-services/patient-view", json=hook_request("patient-view", ELEANOR, prefetch_for(ELEANOR)), headers=headers)


def refused(response: Any) -> str:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith('Bearer realm="mgk-screen CDS Hooks"')
    assert response.headers["access-control-allow-origin"] == "*"
    body = response.json()
    assert body["error"] == "unauthorized"
    return str(body["message"])


def test_a_call_without_a_token_is_refused(client: Any) -> None:
    assert refused(call(client, None)) == "this CDS service needs a JSON Web Token: Authorization: Bearer <JWT>"
    assert refused(client.get("/cds-services")) == "this CDS service needs a JSON Web Token: Authorization: Bearer <JWT>"


def test_a_token_from_an_issuer_not_trusted_is_refused(client: Any) -> None:
    stranger = Signer("https://other-ehr.example.org", "ES384")
    assert refused(call(client, stranger.token(SERVICE))) == "the token's issuer (iss) is not a trusted issuer of this service"


def test_a_token_whose_signature_is_not_the_issuers_is_refused(client: Any, signer: Signer) -> None:
    forger = Signer(EHR, "ES384", kid=signer.kid)  # the same issuer and key id, another key
    assert refused(call(client, forger.token(SERVICE))) == "the token's signature does not match the issuer's key"


def test_an_expired_token_is_refused(client: Any, signer: Signer) -> None:
    an_hour_ago = int(time.time()) - 3600
    assert refused(call(client, signer.token(SERVICE, exp=an_hour_ago, iat=an_hour_ago - 300))) == "the token has expired (exp)"


def test_a_token_for_another_endpoint_is_refused(client: Any, signer: Signer) -> None:
    message = refused(call(client, signer.token("http://testserver/cds-services/order-select")))
    assert message == f"the token is not for this endpoint: its audience (aud) must be {SERVICE}"


@pytest.mark.parametrize("claim", ["jti", "iat", "exp", "aud"])
def test_a_token_without_a_required_claim_is_refused(client: Any, signer: Signer, claim: str) -> None:
    assert refused(call(client, signer.token(SERVICE, **{claim: None}))) == f"the token has no '{claim}' claim"


def test_a_token_used_twice_is_refused_the_second_time(client: Any, signer: Signer) -> None:
    token = signer.token(SERVICE)
    assert call(client, token).status_code == 200
    assert refused(call(client, token)) == "this token (jti) was used before: each call needs a new one"


def test_tokens_signed_with_a_shared_secret_or_not_signed_are_refused(client: Any) -> None:
    import jwt

    claims = {"iss": EHR, "aud": SERVICE, "exp": int(time.time()) + 300, "iat": int(time.time()), "jti": "x"}
    hmac = jwt.encode(claims, "a shared secret, long enough for HMAC with SHA-384 (48 bytes or more)", algorithm="HS384", headers={"kid": "ehr-key-1"})
    assert refused(call(client, hmac)) == "tokens must be signed with RS384 or ES384, not 'HS384'"
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": "ehr-key-1"})
    assert refused(call(client, unsigned)) == "tokens must be signed with RS384 or ES384, not 'none'"
    assert refused(call(client, "not.a.token")) == "the Authorization header does not hold a readable JSON Web Token"


def test_a_valid_token_from_the_trusted_issuer_is_accepted(client: Any, signer: Signer) -> None:
    response = call(client, signer.token(SERVICE))
    assert response.status_code == 200
    assert response.json()["cards"][0]["indicator"] == "warning"
    assert client.get("/cds-services", headers={"Authorization": f"Bearer {signer.token('http://testserver/cds-services')}"}).status_code == 200


def test_rs384_keys_are_accepted_too_and_the_audience_can_be_a_list(tmp_path: Path) -> None:
    rsa = Signer(EHR, "RS384", kid="rsa-1")
    client = cds_client(CdsSettings(as_of=AS_OF, trusted_issuers={EHR: str(rsa.write_jwks(tmp_path))}))
    assert call(client, rsa.token([SERVICE, "https://elsewhere.example/cds-services/x"])).status_code == 200


def test_the_cors_preflight_needs_no_token(client: Any) -> None:
    response = client.options("/cds-services/patient-view", headers={"Origin": "https://ehr.example.org", "Access-Control-Request-Method": "POST"})
    assert response.status_code == 204


def test_the_issuers_key_set_can_be_fetched_from_its_url(signer: Signer) -> None:
    def jwks(handler: BaseHTTPRequestHandler) -> bool:
        send(handler, 200, signer.jwks())
        return True

    with running_fhir_server(FakeFhirServer([], behaviour=jwks)) as keys:
        client = cds_client(CdsSettings(as_of=AS_OF, trusted_issuers={EHR: f"{keys.base_url}/jwks.json"}))
        assert call(client, signer.token(SERVICE)).status_code == 200
        assert call(client, signer.token(SERVICE)).status_code == 200
    assert len(keys.requests) == 1  # cached


def test_the_audience_is_the_url_the_ehr_calls_on_a_server_really_listening(signer: Signer, tmp_path: Path) -> None:
    settings = CdsSettings(as_of=AS_OF, trusted_issuers={EHR: str(signer.write_jwks(tmp_path))})
    app = create_app(settings=cds_web_settings(WebSettings(), settings), routers=[cds_router(settings)])
    with running_server(app) as base:
        body = json.dumps(hook_request("patient-view", ELEANOR, prefetch_for(ELEANOR))).encode()

        def post(token: str) -> int:
            request = urllib.request.Request(
                f"{base}/cds-services/patient-view",
                data=body,
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return int(response.status)
            except urllib.error.HTTPError as error:
                error.close()
                return int(error.code)

        assert post(signer.token(f"{base}/cds-services/patient-view")) == 200
        assert post(signer.token("https://cds.example.org/cds-services/patient-view")) == 401


def test_behind_a_proxy_the_configured_base_url_is_the_audience(signer: Signer, tmp_path: Path) -> None:
    settings = CdsSettings(as_of=AS_OF, trusted_issuers={EHR: str(signer.write_jwks(tmp_path))}, base_url="https://cds.example.org/")
    client = cds_client(settings)
    assert call(client, signer.token("https://cds.example.org/cds-services/patient-view")).status_code == 200
    assert call(client, signer.token(SERVICE)).status_code == 401


# -- configuring the trusted issuers ------------------------------------------------------------


def test_the_trusted_issuer_option_is_issuer_equals_key_set() -> None:
    assert parse_issuer("https://ehr.example.org=https://ehr.example.org/jwks.json") == ("https://ehr.example.org", "https://ehr.example.org/jwks.json")
    assert parse_issuer("https://ehr.example.org/?tenant=a=keys/ehr.json") == ("https://ehr.example.org/?tenant", "a=keys/ehr.json")
    assert parse_issuer("https://ehr.example.org/?tenant=a=https://ehr.example.org/jwks") == ("https://ehr.example.org/?tenant=a", "https://ehr.example.org/jwks")
    with pytest.raises(InputError, match="expected ISSUER=JWKS"):
        parse_issuer("https://ehr.example.org")


def test_a_config_file_gives_the_settings_and_its_key_files_are_relative_to_it(tmp_path: Path, signer: Signer) -> None:
    signer.write_jwks(tmp_path)
    config = tmp_path / "cds.json"
    config.write_text(
        json.dumps({"trusted_issuers": {EHR: f"jwks-{signer.kid}.json"}, "as_of": "2025-06-30", "allowed_origins": ["https://ehr.example.org"]}),
        encoding="utf-8",
    )
    settings = cds_settings(config, ["https://second.example=https://second.example/jwks"])
    assert settings.trusted_issuers == {EHR: str(tmp_path / f"jwks-{signer.kid}.json"), "https://second.example": "https://second.example/jwks"}
    assert settings.as_of == AS_OF
    assert settings.allowed_origins == ("https://ehr.example.org",)


def test_a_bad_config_file_names_the_file_and_the_setting(tmp_path: Path) -> None:
    config = tmp_path / "cds.json"
    config.write_text(json.dumps({"trusted_issuer": {}, "as_of": "2025-02-30"}), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        cds_settings(config)
    assert str(raised.value).splitlines() == [
        f"{config}: $.trusted_issuer: unknown field 'trusted_issuer' (did you mean 'trusted_issuers'?)",
        f"{config}: $.as_of: '2025-02-30' is not a date (YYYY-MM-DD)",
    ]


def test_serve_with_a_missing_key_set_file_says_so_without_a_traceback(tmp_path: Path) -> None:
    code = "from screener.cli.main import main; main()"
    issuer = f"{EHR}={tmp_path / 'nope.json'}"
    done = subprocess.run(
        [sys.executable, "-c", code, "serve", "--port", "0", "--cds-trusted-issuer", issuer],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert f"JWKS file {tmp_path / 'nope.json'} (trusted issuer {EHR}): file not found" in done.stderr
    assert "Traceback" not in done.stderr
