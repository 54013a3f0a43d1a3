"""Run the sandbox with uvicorn and tell the operator how to reach it."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import uvicorn

from .app import create_app
from .seed import credentials
from .settings import SandboxSettings


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind before serving so that port 0 gives a real port we can announce."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve(
    *,
    data_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8765,
    admin: bool = False,
    public_url: str = "",
    announce: Callable[[dict[str, object]], None] | None = None,
    log_level: str = "warning",
) -> None:
    sock = bind_socket(host, port)
    actual_port = sock.getsockname()[1]
    settings = SandboxSettings(
        data_dir=data_dir, host=host, port=actual_port, admin=admin, public_url=public_url
    )
    app = create_app(settings)
    if announce is not None:
        announce(credentials(app.state.sandbox))
    config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
