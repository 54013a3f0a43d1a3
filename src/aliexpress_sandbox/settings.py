"""Settings of one sandbox instance: where it keeps state, where it listens, how it behaves."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class SandboxSettings:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8765
    # The URL clients use to reach this sandbox; photobank URLs and OAuth pages are built on it.
    public_url: str = ""
    admin: bool = False
    # Background tick that advances feed jobs even when nobody asks (seconds of real time).
    tick_seconds: float = 0.2
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def database_path(self) -> Path:
        return self.data_dir / "sandbox.sqlite3"

    @property
    def credentials_path(self) -> Path:
        return self.data_dir / "credentials.json"
