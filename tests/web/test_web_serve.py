"""``readiness serve``: what it says on start, how it runs uvicorn, and a real server process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from typing import Any

import pytest


def test_serve_says_where_and_how_to_make_the_first_account(run, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    result = run("serve", "--port", "8123")
    assert result.exit_code == 0, result.stderr
    assert "open http://127.0.0.1:8123/ in a browser" in result.stderr
    assert "no accounts yet" in result.stderr and "readiness user add NAME --role admin" in result.stderr
    (call,) = calls
    assert call["app"] == "readiness.web.app:app_from_environment" and call["factory"] is True
    assert call["host"] == "127.0.0.1" and call["port"] == 8123
    assert call["proxy_headers"] is True and call["forwarded_allow_ips"] == ["127.0.0.1"]
    assert result.stdout == ""  # messages go to stderr


def test_serve_never_prints_the_database_password(run, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from readiness import accounts
    from readiness.cli import options

    class NoDatabase:
        def close(self) -> None:
            pass

    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: None)
    monkeypatch.setattr(options, "open_workspace", lambda settings: NoDatabase())
    monkeypatch.setattr(accounts, "has_accounts", lambda ws: True)
    result = run("serve", "--database-url", "postgresql://readiness:s3cret@db.example:5432/hanoi")
    assert result.exit_code == 0, result.stderr
    assert "readiness:***@db.example:5432/hanoi" in result.stderr
    assert "s3cret" not in result.stderr + result.stdout


@pytest.mark.slow
def test_a_real_server_process_answers_and_stops(tmp_path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "READINESS_WORKSPACE": str(tmp_path / "ws")}
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "readiness", "serve", "--port", str(port)], env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        import httpx2

        deadline = time.monotonic() + 30
        reply = None
        while time.monotonic() < deadline:
            try:
                reply = httpx2.get(f"http://127.0.0.1:{port}/sign-in", timeout=2)
                break
            except httpx2.TransportError:
                time.sleep(0.2)
        assert reply is not None and reply.status_code == 200, log.read_text()
        assert "readiness user add NAME --role admin" in reply.text
        assert reply.headers["x-frame-options"] == "DENY"
        assert "server" not in reply.headers  # uvicorn's banner is off
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_connections_of_a_several_process_server_send_without_delay() -> None:
    """uvicorn's several-process socket does not say it is TCP, so asyncio left Nagle's algorithm
    on for its connections (about 40 ms more per answer on a kept-alive connection): the socket
    remade by ``tcp_listener`` gets every accepted connection TCP_NODELAY."""
    import asyncio
    import threading

    from readiness.web.server import tcp_listener

    bound = socket.socket(family=socket.AF_INET)  # as uvicorn's Config.bind_socket makes it
    bound.bind(("127.0.0.1", 0))
    listener = tcp_listener(bound)
    assert listener.proto == socket.IPPROTO_TCP

    async def accepted_nodelay() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Note(asyncio.Protocol):
            def connection_made(self, transport: Any) -> None:
                sock = transport.get_extra_info("socket")
                seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        listener.listen()
        server = await asyncio.get_running_loop().create_server(Note, sock=listener)
        async with server:
            _, writer = await asyncio.open_connection(*listener.getsockname())
            value = await asyncio.wait_for(seen, 10)
            writer.close()
            try:
                await writer.wait_closed()
            except ConnectionError:
                pass  # the server side closed first
        return value

    # In a thread of its own: the browser tests leave an event loop running in this one.
    seen: list[int] = []
    runner = threading.Thread(target=lambda: seen.append(asyncio.run(accepted_nodelay())))
    try:
        runner.start()
        runner.join(timeout=30)
    finally:
        listener.close()
    assert seen and seen[0] != 0


def test_serve_with_several_workers_hands_them_a_tcp_socket(run, monkeypatch: pytest.MonkeyPatch) -> None:
    from uvicorn import supervisors

    handed: list[Any] = []

    class Supervisor:
        def __init__(self, config: Any, sockets: list[socket.socket]) -> None:
            handed.append((config, sockets))

        def run(self) -> None:
            for sock in handed[0][1]:
                sock.close()

    monkeypatch.setattr(supervisors, "Multiprocess", Supervisor)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run("serve", "--port", str(port), "--workers", "2")
    assert result.exit_code == 0, result.stderr
    ((config, (sock,)),) = handed
    assert config.workers == 2 and config.app == "readiness.web.app:app_from_environment"
    assert sock.proto == socket.IPPROTO_TCP


def test_serve_refuses_a_broken_framework_file_before_starting(run, settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each server process loads the frameworks before its first request: a broken file is said
    in one line by the command, not as a worker's traceback."""
    import uvicorn

    started: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append(app))
    folder = settings.criteria_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hanoi-own.yaml").write_text("id: hanoi-own\nname: [unclosed\n", encoding="utf-8")
    result = run("serve", "--port", "8124")
    assert result.exit_code != 0 and started == []
    assert "hanoi-own.yaml" in result.stderr and "Traceback" not in result.stderr
