"""Running the app with uvicorn on this computer: `mgk-screen serve`.

The socket is bound here (so a busy port is a clear message, and port 0 picks a free one), then
handed to uvicorn. Uvicorn's access log is off (it logs query strings); the app logs method, path
and status instead, and nothing else about a request.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import webbrowser
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from screener.errors import InputError
from screener.extras import require

if TYPE_CHECKING:
    from pathlib import Path

    import uvicorn

    from screener.web.cds import CdsSettings

WEB_MODULES = ("fastapi", "uvicorn", "multipart", "jinja2", "jwt", "cryptography")

LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "mgk-screen: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"level": "INFO"},
        "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "screener.web": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


def require_web() -> None:
    """Raise ``MissingExtra`` (one line with the install command) unless the web extra is installed."""
    require("web", "mgk-screen serve", *WEB_MODULES)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, public_url: str | None = None) -> tuple[str, ...]:
    """The Host header values to accept when listening on ``host``: this computer's loopback
    names, the address given, and the host of the public URL the server is reached at behind a
    proxy (``--cds-base-url``: a proxy on this computer that passes on the Host it was called
    with would otherwise have every call refused); any host when listening on every address."""
    from urllib.parse import urlsplit

    from screener.web.context import LOOPBACK_HOSTS

    if host in ("0.0.0.0", "::", ""):
        return ("*",)
    public = urlsplit(public_url).hostname if public_url else None
    return tuple(dict.fromkeys((*LOOPBACK_HOSTS, host.strip("[]").lower(), *([public] if public else []))))


def exposure_warning(host: str) -> str | None:
    """What to tell the person when the page can be reached from other computers."""
    if is_loopback(host):
        return None
    return (
        f"Warning: listening on {host}, so other computers that can reach this one can open the page and see "
        "answers while they are entered, sent unencrypted (plain HTTP). Use the default --host 127.0.0.1 "
        "unless you need this."
    )


def cds_line(url: str, cds: CdsSettings, host: str) -> str:
    """What to tell the person about the CDS Hooks services: where, and who may call them."""
    where = f"CDS Hooks services at {url}cds-services"
    if cds.trusted_issuers:
        count = len(cds.trusted_issuers)
        return f"{where} (calls need a JWT from the {count} trusted issuer{'s' if count != 1 else ''})"
    if is_loopback(host):
        return f"{where} (no trusted issuer: any program on this computer may call them)"
    return f"{where} (Warning: no trusted issuer, so anyone who can reach this computer may call them; see --cds-trusted-issuer)"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port``, or an ``InputError`` saying why not."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise InputError(f"cannot listen on {host}: {error.strerror}", hint="give an address such as 127.0.0.1") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        hint = f"try another port, for example --port {port + 1}" if port else None
        raise InputError(f"cannot listen on {host} port {port}: {error.strerror or error}", hint=hint) from None
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    if shown in ("0.0.0.0", "[::]"):
        shown = "127.0.0.1"
    return f"http://{shown}:{port}/"


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    rules: Path | None = None,
    open_browser: bool = False,
    say: Callable[[str], None] = print,
    cds: CdsSettings | Callable[[], CdsSettings] | None = None,
) -> None:
    """Serve the questionnaire (and the CDS Hooks services) until Ctrl-C. Raises ``MissingExtra``
    without the web extra, ``RulesError`` for a bad rule folder, ``InputError`` when the address
    or a trusted issuer's key set cannot be used. ``cds`` may be a function that makes the CDS
    settings (run once the web extra is known to be there: reading them needs it)."""
    require_web()
    import uvicorn

    from screener.interview import Questionnaire
    from screener.screening.pipeline import Screener
    from screener.screening.ruleset import load_ruleset
    from screener.web.app import WebSettings, create_app
    from screener.web.cds import CdsSettings, cds_router, cds_web_settings, prepare

    cds = cds() if callable(cds) else (cds or CdsSettings())
    screener = Screener(load_ruleset(rules))
    settings = cds_web_settings(WebSettings(allowed_hosts=allowed_hosts(host, cds.base_url)), cds)
    app = create_app(screener, Questionnaire.load(rules), settings=settings, routers=[cds_router(cds)])
    prepare(app, cds)
    warning = exposure_warning(host)
    sock = bind(host, port)
    url = url_of(sock)
    if warning:
        say(warning)
    say(f"The questionnaire is at {url}  (Ctrl-C to stop; answers are forgotten when it stops)")
    say(cds_line(url, cds, host))
    server = uvicorn.Server(
        uvicorn.Config(app, access_log=False, log_config=LOG_CONFIG, server_header=False, lifespan="off")
    )
    if open_browser:
        threading.Thread(target=_open_when_started, args=(server, url), daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def _open_when_started(server: uvicorn.Server, url: str) -> None:
    stop = threading.Event()
    while not server.started and not server.should_exit:
        stop.wait(0.05)
    if server.started:
        webbrowser.open(url)
