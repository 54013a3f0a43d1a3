"""`make demo`: the whole feedbridge workflow on a small sample shop, against the local AliExpress sandbox.

It drives the real command line, printing each command before it runs (`$ feedbridge ...`), so the output
reads as a walk-through a merchant can repeat by hand:

 1. start the sandbox (a local emulator of the AliExpress Open Platform) and the shop's image server;
 2. connect the sandbox's seller through the OAuth flow, playing the seller's browser;
 3. create a project and import the sample feed (demo/feed.csv: single items and variant groups);
 4. import the project rules (demo/rules.yaml);
 5. create an AliExpress API, give its items categories (demo/categories.yaml) and a build (demo/build.yaml);
 6. check the quality, activate the API and run it: the listings arrive in the sandbox seller's store.

Everything it writes lives in .demo/ (made fresh on each run). At the end it prints the sandbox's page of
the seller's products and keeps the sandbox running until Ctrl-C (`--no-wait` stops at once instead).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import webbrowser
import zlib
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

import httpx
from PIL import Image, ImageDraw, ImageFont

DEMO = Path(__file__).resolve().parent
REPO = DEMO.parent
FEED = DEMO / "feed.csv"
RULES = DEMO / "rules.yaml"
CATEGORY_LINES = DEMO / "categories.yaml"
BUILD = DEMO / "build.yaml"

PROJECT = "Larkwood Supply"
CONNECTION = "Sandbox shop"
API = "AliExpress EN"
IMAGE_HOST = "{image_host}"  # in demo/feed.csv: replaced by the demo's image server's address
# What the demo may wipe when it starts again: its own marker, or only things it makes itself.
MARKER = ".feedbridge-demo"
OWN_ENTRIES = {MARKER, "sandbox", "feedbridge", "images", "feed.csv", "app-secret.txt", "sandbox.log"}
READY_SECONDS = 60.0


class DemoFailed(Exception):
    """A step went wrong; the message says which and what to look at."""


# --- printing ---------------------------------------------------------------------------------------------


def say(text: str = "") -> None:
    print(text, flush=True)


def heading(number: int, title: str) -> None:
    say()
    say(f"── {number}. {title} " + "─" * max(0, 72 - len(title)))


def shown(path: Path) -> str:
    """A path as the merchant would type it from the repository (where `make demo` runs)."""
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


# --- running feedbridge -----------------------------------------------------------------------------------


class Feedbridge:
    """Runs `feedbridge` commands in the demo's environment, each echoed first as `$ feedbridge ...`."""

    def __init__(self, env: dict[str, str]) -> None:
        script = Path(sys.executable).parent / "feedbridge"
        self.command = [str(script)] if script.exists() else [sys.executable, "-m", "feedbridge"]
        self.env = env

    def echo(self, args: list[str]) -> None:
        say(f"$ feedbridge {shlex.join(args)}")

    def __call__(self, *args: str) -> None:
        self.echo(list(args))
        done = subprocess.run([*self.command, *args], env=self.env, cwd=REPO, check=False)
        if done.returncode != 0:
            raise DemoFailed(f"`feedbridge {shlex.join(args)}` ended with exit status {done.returncode}.")

    def start(self, *args: str, **popen: Any) -> subprocess.Popen[str]:
        self.echo(list(args))
        return subprocess.Popen(
            [*self.command, *args], env=self.env, cwd=REPO, text=True, encoding="utf-8", **popen
        )


def demo_environment(state: Path, gateway_url: str) -> dict[str, str]:
    """The environment of every command: the demo's own data, SQLite, the sandbox as AliExpress."""
    # Settings of the shell (another database, a company, a key) must not leak into the demo.
    env = {name: value for name, value in os.environ.items() if not name.startswith("FEEDBRIDGE_")}
    env.update(
        FEEDBRIDGE_DATA_DIR=str(state / "feedbridge"),
        FEEDBRIDGE_ALIEXPRESS_GATEWAY_URL=gateway_url,
        # A run downloads every product image and uploads it to the seller's photobank. feedbridge refuses
        # image URLs on loopback and private addresses (so a feed cannot make it read its own network),
        # but the demo's images are served on 127.0.0.1: allow that, for the demo only.
        FEEDBRIDGE_IMAGE_ALLOW_PRIVATE_URLS="true",
        FEEDBRIDGE_LOG_LEVEL="WARNING",  # the commands' own output tells the story; INFO logs would drown it
        PYTHONUNBUFFERED="1",  # `connections add` prints the authorize URL to a pipe the demo reads
    )
    return env


# --- the demo's state folder ------------------------------------------------------------------------------


def fresh_state(state: Path) -> None:
    """Remove what an earlier demo left in `state`, refusing to wipe a folder the demo did not make."""
    if state.exists():
        entries = {entry.name for entry in state.iterdir()}
        if MARKER not in entries and not entries <= OWN_ENTRIES:
            raise DemoFailed(
                f"{state} holds files the demo did not make; choose another folder with --dir, "
                "or remove it yourself."
            )
        shutil.rmtree(state)
    state.mkdir(parents=True)
    (state / MARKER).write_text("made by demo/run.py; removed and made again by each run\n")


# --- the shop's images ------------------------------------------------------------------------------------

COLOURS = {
    "black": (38, 38, 42),
    "white": (236, 234, 228),
    "sand": (214, 196, 160),
    "sage": (150, 170, 140),
    "slate": (96, 110, 122),
    "charcoal": (70, 72, 76),
    "forest": (46, 92, 60),
    "grey": (150, 150, 150),
    "moss": (110, 128, 70),
    "pink": (232, 160, 180),
    "canvas": (190, 160, 110),
    "fig": (120, 70, 90),
    "sea": (90, 150, 180),
    "enamel": (70, 110, 170),
}


def image_names(feed: Path) -> list[str]:
    """The file names of every image the feed links to, in feed order."""
    names: dict[str, None] = {}
    for match in re.finditer(re.escape(IMAGE_HOST) + r"/([\w.-]+)", feed.read_text(encoding="utf-8")):
        names[match.group(1)] = None
    return list(names)


def draw_image(name: str, folder: Path) -> None:
    """A small product picture: a colour from its name (or its name's checksum) and the name written on it."""
    stem = Path(name).stem
    colour = next((rgb for word, rgb in COLOURS.items() if word in stem), None)
    if colour is None:
        checksum = zlib.crc32(stem.encode())
        colour = (80 + checksum % 150, 80 + (checksum >> 8) % 150, 80 + (checksum >> 16) % 150)
    ink = (20, 20, 20) if sum(colour) > 450 else (245, 245, 245)
    image = Image.new("RGB", (480, 480), colour)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((60, 60, 420, 420), radius=40, outline=ink, width=6)
    font = ImageFont.load_default(size=30)
    for line, words in enumerate(stem.split("-")[:5]):
        draw.text((240, 140 + 50 * line), words, fill=ink, font=font, anchor="mm")
    image.save(folder / name, format="PNG")


class QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # the demo prints what matters; request lines would only clutter it


@contextlib.contextmanager
def image_server(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on a free loopback port, as a shop's image host would; yields its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietFiles, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, name="demo images", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# --- the sandbox ------------------------------------------------------------------------------------------


def wait_for_sandbox(process: subprocess.Popen[str], credentials_file: Path, log: Path) -> dict[str, Any]:
    """The sandbox's credentials once it answers; a bounded wait, since it starts in a second or two."""
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise DemoFailed(
                f"the sandbox stopped at once (exit status {process.returncode}); see {shown(log)}. "
                "Is another sandbox using the port? Stop it, or run the demo with --port 0."
            )
        if credentials_file.exists():
            try:
                credentials: dict[str, Any] = json.loads(credentials_file.read_text())
                if httpx.get(credentials["gateway_url"], timeout=2).status_code == 200:
                    return credentials
            except (ValueError, KeyError, httpx.HTTPError):
                pass  # written half-way, or not answering yet
        time.sleep(0.2)
    raise DemoFailed(f"the sandbox did not answer within {READY_SECONDS:g} s; see {shown(log)}.")


def stop(process: subprocess.Popen[str] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()  # the sandbox shuts down cleanly on SIGTERM
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- connecting the seller: the OAuth flow, with the demo as the seller's browser --------------------------


class LoginForm(HTMLParser):
    """The sign-in form of AliExpress's authorize page: where it posts, and its hidden fields."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.hidden: dict[str, str] = {}
        self.fields: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.action = values.get("action", "")
        elif tag == "input" and values.get("name"):
            self.fields.add(values["name"])
            if values.get("type") == "hidden":
                self.hidden[values["name"]] = values.get("value", "")


def sign_in_and_allow(authorize_url: str, email: str, password: str) -> None:
    """What the seller does in the browser: open the authorize page, sign in, allow, and get sent back."""
    with httpx.Client(timeout=30) as browser:
        page = browser.get(authorize_url)
        form = LoginForm()
        form.feed(page.text)
        if page.status_code != 200 or not {"email", "password"} <= form.fields:
            raise DemoFailed(f"the authorize page did not show the sign-in form (HTTP {page.status_code}).")
        say(f"  [browser] signing in as {email} on the authorize page and allowing access")
        answer = browser.post(
            page.url.join(form.action),
            data={**form.hidden, "email": email, "password": password, "action": "authorize"},
        )
        callback = answer.headers.get("location", "")
        if not answer.is_redirect or not callback:
            raise DemoFailed(f"signing in did not redirect back to feedbridge (HTTP {answer.status_code}).")
        say(f"  [browser] AliExpress sends the browser back to {callback.split('?')[0]}?code=…&state=…")
        browser.get(callback)  # feedbridge's listener answers: "you can close this tab"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def callback_uri(credentials: dict[str, Any], any_port: bool) -> str | None:
    """None to use feedbridge's default redirect URI (registered for the sandbox's app); else a free one.

    The default listens on 127.0.0.1:8000. When that port is taken (or the demo was asked for free ports,
    as its test does), the demo registers a callback on a free port for the sandbox's app, as a developer
    registers callback URLs in the AliExpress Open Platform console.
    """
    if not any_port and port_is_free(8000):
        return None
    uri = f"http://127.0.0.1:{free_port()}/connections/aliexpress/callback"
    app = credentials["app"]
    why = "The demo runs on free ports" if any_port else "Port 8000 is taken"
    say(f"  {why}: registering {uri} as a callback URL of the sandbox's app.")
    answer = httpx.post(
        f"{credentials['admin_url']}/apps/{app['app_key']}",
        json={"redirect_uris": [*app["redirect_uris"], uri]},
        timeout=10,
    )
    if answer.status_code != 200:
        raise DemoFailed(f"the sandbox refused the callback URL: {answer.text}")
    return uri


def connect_seller(
    feedbridge: Feedbridge, credentials: dict[str, Any], secret_file: Path, any_port: bool
) -> None:
    app, seller = credentials["app"], credentials["seller"]
    redirect = callback_uri(credentials, any_port)
    args = [
        "connections",
        "add",
        CONNECTION,
        "--app-key",
        app["app_key"],
        "--app-secret-file",
        shown(secret_file),
    ]
    if redirect:
        args += ["--redirect-uri", redirect]
    command = feedbridge.start(*args, stdout=subprocess.PIPE)
    assert command.stdout is not None
    signed_in = False
    try:
        for line in command.stdout:
            say(line.rstrip("\n"))
            if not signed_in and line.startswith(credentials["authorize_url"]):
                sign_in_and_allow(line.strip(), seller["email"], seller["password"])
                signed_in = True
    except BaseException:
        command.kill()  # it would wait minutes for a callback that is not coming
        command.wait()
        raise
    if command.wait() != 0:
        raise DemoFailed(f"`feedbridge connections add` ended with exit status {command.returncode}.")


# --- the walk-through -------------------------------------------------------------------------------------


def explain(text: str) -> None:
    """A paragraph of the story, written indented in this file."""
    say(textwrap.dedent(text).strip())


def prepare_shop(state: Path) -> Path:
    """The shop's product images, drawn now (one distinct picture per file name the feed links to)."""
    images = state / "images"
    images.mkdir()
    for name in image_names(FEED):
        draw_image(name, images)
    return images


def write_feed(state: Path, image_host: str) -> Path:
    """demo/feed.csv with the image server's address in its image links, as the shop would serve it."""
    feed = state / "feed.csv"
    feed.write_text(FEED.read_text(encoding="utf-8").replace(IMAGE_HOST, image_host), encoding="utf-8")
    return feed


def count_items(feed: Path) -> tuple[int, int]:
    with feed.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    return len(rows), len({row["item_group_id"] for row in rows if row["item_group_id"]})


def start_sandbox(state: Path, port: int, log: IO[str]) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    heading(1, "Start the local AliExpress sandbox")
    explain(f"""
        The sandbox emulates the AliExpress Open Platform: feedbridge talks to it over HTTP exactly as
        it talks to AliExpress. It runs in the background; its output goes to {shown(state / "sandbox.log")}.
    """)
    feedbridge = Feedbridge(demo_environment(state, f"http://127.0.0.1:{port}"))
    data = state / "sandbox"
    sandbox = feedbridge.start(
        "sandbox", "serve", "--admin", "--data-dir", shown(data), "--port", str(port),
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    credentials = wait_for_sandbox(sandbox, data / "credentials.json", state / "sandbox.log")
    seller = credentials["seller"]
    say(f"  It answers on {credentials['gateway_url']}: app key {credentials['app']['app_key']},")
    say(f"  seller {seller['email']} (id {seller['seller_id']}, registered in {seller['country_code']}).")
    return sandbox, credentials


def introduce_shop(state: Path, feed: Path, images: Path, image_host: str, gateway: str) -> None:
    items, groups = count_items(feed)
    explain(f"""
        The shop, Larkwood Supply: {items} items ({groups} variant groups by colour and size, the rest
        single items) in {shown(feed)}, which is {shown(FEED)} with the address of the shop's image
        server, {image_host}, in its image links ({len(list(images.iterdir()))} pictures).

        Every command below runs with these settings (export them to try more commands yourself):
          FEEDBRIDGE_DATA_DIR={shown(state / "feedbridge")}    (the SQLite database, snapshots, the secret key)
          FEEDBRIDGE_ALIEXPRESS_GATEWAY_URL={gateway}
          FEEDBRIDGE_IMAGE_ALLOW_PRIVATE_URLS=true    (the shop's images are on 127.0.0.1)
    """)


def connect(feedbridge: Feedbridge, state: Path, credentials: dict[str, Any], any_port: bool) -> None:
    heading(2, "Connect the seller's AliExpress account")
    explain("""
        `connections add` prints the address of AliExpress's authorize page and waits until the seller
        has signed in there and allowed access; the demo plays the seller's browser. The first command
        that adds something also creates the company 'default', which owns connections and projects.
    """)
    secret = state / "app-secret.txt"
    secret.write_text(credentials["app"]["app_secret"] + "\n")
    secret.chmod(0o600)
    connect_seller(feedbridge, credentials, secret, any_port)
    explain("The seller's templates and product groups, read from AliExpress (the build picks them by name):")
    feedbridge("connections", "data", CONNECTION, "templates")


def import_catalogue(feedbridge: Feedbridge, feed: Path) -> None:
    heading(3, "Create a project and import the feed")
    feedbridge("projects", "create", PROJECT)
    feedbridge("imports", "add", PROJECT, "main", "--file", shown(feed), "--id-field", "id")
    feedbridge("imports", "run", PROJECT, "main")


def project_rules(feedbridge: Feedbridge) -> None:
    heading(4, "Project rules")
    explain(f"""
        {shown(RULES)}: fill an empty brand, leave out sold-out items, let prices end in .99 and keep
        titles within AliExpress's limit. The statistics show what each rule did.
    """)
    feedbridge("rules", "import", shown(RULES), "-p", PROJECT)
    feedbridge("rules", "stats", "-p", PROJECT)


def api_and_categories(feedbridge: Feedbridge) -> None:
    heading(5, "An AliExpress API and its categories")
    explain("The API lists the project in the seller's store, in English; SKU codes are the items' 'id'.")
    feedbridge(
        "apis", "create", API, "-p", PROJECT, "-c", CONNECTION, "--language", "en", "--unique-id", "id"
    )
    explain("""
        The first look at the category tree reads it from AliExpress: several hundred calls, about a
        minute at feedbridge's pace for that API. It is cached afterwards. Find a leaf category:
    """)
    feedbridge("categories", "tree", API, "-p", PROJECT, "--search", "t-shirts")
    explain(f"{shown(CATEGORY_LINES)} gives each product type of the shop a leaf category:")
    feedbridge("categories", "lines", API, "-p", PROJECT, "--import", shown(CATEGORY_LINES))
    feedbridge("categories", "lines", API, "-p", PROJECT)


def build(feedbridge: Feedbridge) -> None:
    heading(6, "The build: where each AliExpress attribute's value comes from")
    explain(f"""
        {shown(BUILD)} maps the feed's fields to AliExpress's attributes, picks the freight template,
        service policy, unit and product groups by name, and maps the shop's colour names to AliExpress
        colours (the shop's own names stay on the variants):
    """)
    feedbridge("build", "import", API, shown(BUILD), "-p", PROJECT)
    feedbridge("build", "values", API, "variant.14", "-p", PROJECT)


def check_and_activate(feedbridge: Feedbridge) -> None:
    heading(7, "Check the quality, then activate the API")
    explain("""
        A mandatory issue would block its listing; there are none. The optional issues below do not stop
        a listing: recommended attributes the feed has nothing for, and materials AliExpress has no value
        for (ceramic, glass), which are left out.
    """)
    feedbridge("quality", API, "-p", PROJECT)
    feedbridge("apis", "activate", API, "-p", PROJECT)


def run(feedbridge: Feedbridge) -> None:
    heading(8, "Run the API: send the listings to AliExpress")
    explain("""
        The first run looks for products the seller already has (by SKU code), uploads every image to the
        seller's photobank and creates one AliExpress product per listing: a variant group with its SKUs,
        or a single item.
    """)
    feedbridge("run", API, "-p", PROJECT)
    feedbridge("listings", API, "-p", PROJECT)


def finish(store: str, wait: bool, sandbox: subprocess.Popen[str], log: Path) -> None:
    heading(9, "Done")
    explain(f"""
        See what arrived in the seller's store, on the sandbox: {store}

        More to try, with the settings above exported:
          .venv/bin/feedbridge preview {shlex.quote(API)} -p {shlex.quote(PROJECT)} --issue any
          .venv/bin/feedbridge results 1
    """)
    if not wait:
        return
    open_in_browser(store)
    say()
    say("The sandbox and the image server keep running so you can look around. Press Ctrl-C to stop them.")
    while sandbox.poll() is None:
        time.sleep(0.5)
    raise DemoFailed(f"the sandbox stopped by itself (exit status {sandbox.returncode}); see {shown(log)}.")


def walk_through(state: Path, port: int, wait: bool) -> None:
    images = prepare_shop(state)
    sandbox: subprocess.Popen[str] | None = None
    with image_server(images) as image_host, (state / "sandbox.log").open("w") as log:
        try:
            sandbox, credentials = start_sandbox(state, port, log)
            gateway = credentials["gateway_url"]
            feed = write_feed(state, image_host)
            say()
            introduce_shop(state, feed, images, image_host, gateway)
            feedbridge = Feedbridge(demo_environment(state, gateway))
            connect(feedbridge, state, credentials, any_port=port == 0)
            import_catalogue(feedbridge, feed)
            project_rules(feedbridge)
            api_and_categories(feedbridge)
            build(feedbridge)
            check_and_activate(feedbridge)
            run(feedbridge)
            finish(
                f"{gateway}/sellers/{credentials['seller']['seller_id']}",
                wait,
                sandbox,
                state / "sandbox.log",
            )
        finally:
            stop(sandbox)


def open_in_browser(url: str) -> None:
    """Open the page where a desktop browser exists; without a display, a text browser would take the terminal."""
    if sys.platform in ("darwin", "win32") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        with contextlib.suppress(webbrowser.Error):  # the address is printed above
            webbrowser.open(url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=8765, help="the sandbox's port (0: any free port)")
    parser.add_argument(
        "--dir",
        type=Path,
        default=REPO / ".demo",
        help="the demo's folder, made fresh each run (default .demo)",
    )
    parser.add_argument(
        "--no-wait", action="store_true", help="stop the sandbox at the end instead of waiting"
    )
    options = parser.parse_args(argv)
    # Ctrl-C (and a plain `kill`) end the demo through its clean-up, even when started from a script
    # that ignores SIGINT in background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    state = options.dir.resolve()
    try:
        fresh_state(state)
        walk_through(state, options.port, wait=not options.no_wait)
    except KeyboardInterrupt:
        say("\nStopped the sandbox and the image server.")
        return 0
    except DemoFailed as failure:
        say(f"\nThe demo stopped: {failure}")
        return 1
    say("\nStopped the sandbox and the image server.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
