"""Jinja2 templates shipped with the sandbox (autoescaped)."""

from pathlib import Path

from starlette.templating import Jinja2Templates

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
