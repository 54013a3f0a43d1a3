"""Run the real sandbox on an ephemeral loopback port in a background thread."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from aliexpress_sandbox.app import create_app
from aliexpress_sandbox.server import bind_socket
from aliexpress_sandbox.settings import SandboxSettings


@dataclass
class RunningSandbox:
    base_url: str
    data_dir: Path

    @property
    def credentials(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.data_dir / "credentials.json").read_text())
        return data


@contextmanager
def running_sandbox(data_dir: Path, *, admin: bool = True) -> Iterator[RunningSandbox]:
    # The socket listens before the server thread starts: early requests wait in the backlog, no polling needed.
    sock = bind_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    app = create_app(SandboxSettings(data_dir=data_dir, port=port, admin=admin))
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield RunningSandbox(f"http://127.0.0.1:{port}", data_dir)
    finally:
        server.should_exit = True
        thread.join()
        sock.close()
