"""Running the web app under uvicorn, one process or several.

With several processes uvicorn binds the listening socket itself and hands it to its workers,
and that socket is made without naming its protocol (``proto`` 0). Connections accepted on it
inherit that, and asyncio turns Nagle's algorithm off (``TCP_NODELAY``) only on sockets that say
they are TCP: every answer after a connection's first then waited for the browser's delayed
acknowledgement, about 40 ms on Linux (uvicorn issue #3149, open when this was written). The
listening socket is remade here with its protocol named before the workers get it.
"""

from __future__ import annotations

import socket
from typing import Any

#: The import string uvicorn gives each worker (several processes need a string, not an object).
APP = "readiness.web.app:app_from_environment"


def run(*, host: str, port: int, workers: int, proxies: list[str]) -> None:
    """Serve the app on ``host``:``port`` until stopped (Ctrl+C). Blocks."""
    import uvicorn

    options: dict[str, Any] = dict(factory=True, host=host, port=port, workers=workers, proxy_headers=True,
                                   forwarded_allow_ips=proxies, server_header=False, log_level="info",
                                   h11_max_incomplete_event_size=64 * 1024)
    if workers == 1:  # uvicorn builds the socket from getaddrinfo, which names TCP
        uvicorn.run(APP, **options)
        return
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(APP, **options)
    try:
        Multiprocess(config, sockets=[tcp_listener(config.bind_socket())]).run()
    except KeyboardInterrupt:
        pass


def tcp_listener(sock: socket.socket) -> socket.socket:
    """The listening socket ``sock`` (its file descriptor, taken over) as a socket that says it is
    TCP, so that asyncio sets ``TCP_NODELAY`` on each connection accepted on it."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto == socket.IPPROTO_TCP:
        return sock
    return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
