"""`mgk-screen serve`: the real command, listening on this computer, stopped with Ctrl-C; and what
it says when the address is wrong or the web extra is missing."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from screener.extras import install_command
from screener.web.server import allowed_hosts, exposure_warning, is_loopback


@contextmanager
def serving(*args: str) -> Iterator[tuple[subprocess.Popen[str], str, list[str]]]:
    """`mgk-screen serve ARGS` in a subprocess; yields it, its URL and its stderr lines so far."""
    process = subprocess.Popen(
        [sys.executable, "-m", "screener", "serve", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: list[str] = []
    found = threading.Event()
    url: list[str] = []

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            match = re.search(r"(http://\S+/)", line)
            if match and not url:
                url.append(match.group(1))
                found.set()
        found.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert found.wait(60), "serve printed no address"
        assert url, "".join(lines)
        yield process, url[0], lines
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(30)
        reader.join(10)
        for stream in (process.stdout, process.stderr):
            assert stream is not None
            stream.close()


def test_serve_listens_on_this_computer_and_stops_cleanly_on_ctrl_c() -> None:
    with serving("--port", "0") as (process, url, lines):
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
            assert response.headers["x-frame-options"] == "DENY"
            assert "Check for low magnesium and potassium" in response.read().decode()
        request = urllib.request.Request(
            url + "api/v1/screen", data=json.dumps({"age": 72}).encode(), headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert json.load(response)["status"] == "screened"
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 130  # ExitCode.INTERRUPTED, as for every command
    output = "".join(lines)
    assert "Warning" not in output
    assert "answers are forgotten when it stops" in output
    assert "Traceback" not in output
    assert "stopped; the answers it held are forgotten" in output
    assert "GET / 200" in output  # the app's access line: method, path, status
    assert "POST /api/v1/screen 200" in output
    assert "uvicorn.access" not in output


def test_a_port_in_use_is_a_clear_message() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "screener", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1 port {port}" in done.stderr
    assert f"--port {port + 1}" in done.stderr
    assert "Traceback" not in done.stderr


def test_without_the_web_extra_serve_says_how_to_install_it() -> None:
    # fastapi made unimportable, as in an install without the extra.
    code = "import sys; sys.modules['fastapi'] = None; from screener.cli.main import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "serve"], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"mgk-screen: mgk-screen serve needs the optional 'web' extra (fastapi is not installed): {install_command('web')}"
    ]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_addresses_need_no_warning(host: str) -> None:
    assert is_loopback(host)
    assert exposure_warning(host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::", "myhost.example"])
def test_any_other_address_gets_a_warning(host: str) -> None:
    assert not is_loopback(host)
    warning = exposure_warning(host)
    assert warning is not None
    assert "other computers" in warning and "127.0.0.1" in warning


def test_the_host_names_accepted_follow_the_address_listened_on() -> None:
    assert set(allowed_hosts("127.0.0.1")) == {"127.0.0.1", "localhost", "::1"}
    assert "192.0.2.10" in allowed_hosts("192.0.2.10")
    assert allowed_hosts("0.0.0.0") == ("*",)


def test_behind_a_proxy_that_passes_on_its_host_the_cds_base_url_host_is_answered() -> None:
    # nginx in front of `serve` on 127.0.0.1, passing on the Host the EHR called (proxy_set_header
    # Host $host): with --cds-base-url naming that public address, the calls are answered, not
    # refused as addressed to another server. Other host names still are.
    import http.client

    with serving("--port", "0", "--cds-base-url", "https://cds.example.org") as (_, url, _lines):
        port = int(url.rstrip("/").rsplit(":", 1)[1])

        def discovery(host: str) -> int:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request("GET", "/cds-services", headers={"Host": host})
                return connection.getresponse().status
            finally:
                connection.close()

        assert discovery("cds.example.org") == 200
        assert discovery("elsewhere.example.org") == 400
    assert allowed_hosts("127.0.0.1", "https://CDS.example.org:8443/base") == ("127.0.0.1", "localhost", "::1", "cds.example.org")


def test_open_waits_for_the_server_then_opens_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    import screener.web.server as server_module

    opened: list[str] = []
    monkeypatch.setattr(server_module.webbrowser, "open", opened.append)

    class Starting:
        started = False
        should_exit = False

    starting = Starting()
    thread = threading.Thread(target=server_module._open_when_started, args=(starting, "http://127.0.0.1:8000/"))
    thread.start()
    assert opened == []
    starting.started = True
    thread.join(10)
    assert opened == ["http://127.0.0.1:8000/"]

    stopping = Starting()
    stopping.should_exit = True
    server_module._open_when_started(stopping, "http://127.0.0.1:8000/")  # type: ignore[arg-type]
    assert opened == ["http://127.0.0.1:8000/"]  # a server that never started opens nothing
