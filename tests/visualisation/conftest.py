"""Browser fixtures: the real app under uvicorn on a free 127.0.0.1 port, Debian's chromium via Playwright.

The server serves a temporary embedded store loaded from `data/samples` with
`ingest_paths`, plus a few cases with hostile titles written with `store.upsert`.

Chromium comes from Debian (`scripts/ensure-chromium` installs it with apt when
/usr/bin/chromium is missing); Playwright never downloads a browser. axe-core comes
from npm (`tests/visualisation/js/ensure-axe`, from the committed lock file). Outside
CI, a missing chromium or axe-core skips the browser tests with the reason printed;
under CI it fails them.

Every page a test opens goes through a route that aborts any request not to
127.0.0.1, so a page that references a CDN fails its test. Screenshots are saved
in `out/screenshots/` (git-ignored); render timings are printed at the end of the run.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Dialog,
    Error,
    Page,
    Route,
    sync_playwright,
)

from api.app import create_app
from api.settings import Settings
from graph.backends.embedded import EmbeddedStore
from graph.model import Batch, Edge, Node, NodeType, RelType
from ingest.run import ingest_paths
from tests.conftest import ROOT, embed, require

CHROMIUM = Path("/usr/bin/chromium")
ENSURE_CHROMIUM = ROOT / "scripts" / "ensure-chromium"
JS_DIR = Path(__file__).resolve().parent / "js"
AXE = JS_DIR / "node_modules" / "axe-core" / "axe.min.js"
SAMPLES = ROOT / "data" / "samples"
SCREENSHOTS = ROOT / "out" / "screenshots"

XSS_IMG = 'Hostile <img src=x onerror="window.__xss=1;alert(1)"> skolefravær'
XSS_SCRIPT = "Hostile </script><script>window.__xss=1;alert(1)</script> skolefravær"
XSS_ORGANISATION = '"><svg onload="window.__xss=1;alert(1)"> kommune'
XSS_METHOD = "<script>window.__xss=1</script> intervjuer"
XSS_CASES = ("hostile-img-title", "hostile-script-title")


@dataclass(slots=True)
class Timings:
    """Render timings gathered while the tests run, printed as a table at the end."""

    rows: list[tuple[str, str, float | None, float | None, float | None]] = field(default_factory=list)

    def add(
        self, page: str, path: str, server_ms: float | None, load_ms: float | None, network_ms: float | None
    ) -> None:
        """Record one page load."""
        self.rows.append((page, path, server_ms, load_ms, network_ms))


TIMINGS = Timings()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the render timings measured by the browser tests (a report, not a test)."""
    if not TIMINGS.rows:
        return

    def cell(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f}"

    terminalreporter.section("page render timings on the sample data (ms)")
    terminalreporter.write_line(f"{'page':<10} {'server':>7} {'load':>7} {'network':>8}  path")
    for page, path, server_ms, load_ms, network_ms in TIMINGS.rows:
        terminalreporter.write_line(f"{page:<10} {cell(server_ms):>7} {cell(load_ms):>7} {cell(network_ms):>8}  {path}")


def _ensure(script: Path, ready: Path, what: str) -> str | None:
    """Run an install script when `ready` is missing; the reason it is still missing, or None."""
    if ready.exists():
        return None
    try:
        result = subprocess.run([str(script)], capture_output=True, text=True, timeout=900, check=False)
    except OSError as exc:
        return f"{what} missing and {script.name} could not run: {exc}"
    if result.returncode != 0 or not ready.exists():
        detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        return f"{what} missing and {script.name} failed: {' | '.join(detail)}"
    return None


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's chromium, installed with apt when missing."""
    require(_ensure(ENSURE_CHROMIUM, CHROMIUM, "chromium"))
    return CHROMIUM


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core's browser build, installed with npm from the committed lock file when missing."""
    reason = None if shutil.which("npm") or AXE.exists() else "axe-core missing and npm not found"
    require(reason or _ensure(JS_DIR / "ensure-axe", AXE, "axe-core"))
    return AXE


def _hostile_batch() -> Batch:
    """Cases whose titles, organisation and method names try to run script."""
    organisation = Node("organisation:hostile", NodeType.ORGANISATION, {"name": XSS_ORGANISATION})
    method = Node("method:hostile", NodeType.METHOD, {"name": XSS_METHOD})
    source = Node(
        "source:hostile", NodeType.SOURCE, {"title": "<b>bold</b> source", "url": "javascript:window.__xss=1"}
    )
    nodes = [organisation, method, source]
    edges = []
    for case_id, title in zip(XSS_CASES, (XSS_IMG, XSS_SCRIPT), strict=True):
        nodes.append(
            Node(
                case_id,
                NodeType.CASE,
                {
                    "title": title,
                    "summary": f"{title}. Elever med skolefravær </script><img src=x onerror=alert(2)>.",
                    "language": "nb",
                    "country": "NO",
                    "year": 2021,
                },
            )
        )
        edges += [
            Edge(organisation.id, RelType.PARTICIPATED_IN, case_id, case_id, {"role": "owner"}),
            Edge(case_id, RelType.USED, method.id, case_id),
            Edge(case_id, RelType.DESCRIBED_IN, source.id, case_id),
        ]
    edges.append(Edge(XSS_CASES[0], RelType.RELATED_TO, XSS_CASES[1], XSS_CASES[0], {"kind": "<i>similar_to</i>"}))
    return Batch(nodes=tuple(nodes), edges=tuple(edges))


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary embedded store with the sample cases and the hostile ones."""
    if not SAMPLES.is_dir():
        pytest.fail(f"{SAMPLES} is missing: the browser tests need the sample data")
    path = tmp_path_factory.mktemp("pages") / "store.db"
    with EmbeddedStore(path) as store:
        report = ingest_paths(store, [SAMPLES])
        if not report.ok or not report.written:
            pytest.fail(f"the sample data did not ingest cleanly: {report.problems[:3]}")
        store.upsert(_hostile_batch())
        embed(store)
    return path


@pytest.fixture(scope="session")
def reader(sample_store: Path) -> Iterator[EmbeddedStore]:
    """A second connection to the served store, for tests to work out what a page should show."""
    with EmbeddedStore(sample_store) as store:
        yield store


@dataclass(frozen=True, slots=True)
class LiveServer:
    """The app running under uvicorn."""

    url: str


@contextmanager
def live(settings: Settings) -> Iterator[LiveServer]:
    """The real app (`api.app.create_app`) with these settings under uvicorn on a free port of 127.0.0.1."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="on")
    uvicorn_server = uvicorn.Server(config)
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uvicorn_server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}")
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=10)
        listener.close()


@pytest.fixture(scope="session")
def server(sample_store: Path) -> Iterator[LiveServer]:
    """The app over the sample store, served for the whole session."""
    with live(Settings(store=str(sample_store))) as running:
        yield running


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Browser]:
    """Headless chromium driven by Playwright (never a browser Playwright downloaded)."""
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=str(chromium_path), args=["--no-sandbox"])
        except Error as exc:
            require(f"chromium at {chromium_path} did not start: {exc}")
            raise
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def graphiql_files() -> Path:
    """GraphiQL's files for /graphql, installed with npm from api/graphiql's lock file when missing."""
    from api import graphiql

    ready = graphiql.ASSETS["graphiql.min.js"]
    reason = None if shutil.which("npm") or graphiql.is_installed() else "GraphiQL's files missing and npm not found"
    require(reason or _ensure(ROOT / "api" / "graphiql" / "ensure-graphiql", ready, "GraphiQL"))
    return ready.parent


@dataclass(slots=True)
class Visit:
    """What happened in a browser page: requests blocked for leaving 127.0.0.1, dialogs, script errors."""

    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def only_loopback(visit: Visit) -> Callable[[Route], None]:
    """A route handler that lets requests to 127.0.0.1 through and aborts (and records) every other."""
    def handle(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            visit.blocked.append(url)
            route.abort()

    return handle


def _open_page(browser: Browser, visit: Visit, *, bypass_csp: bool, locale: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale=locale, bypass_csp=bypass_csp, reduced_motion="reduce"
    )
    context.route("**/*", only_loopback(visit))
    page = context.new_page()

    def on_dialog(dialog: Dialog) -> None:
        visit.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("console", lambda message: visit.console.append(f"{message.type}: {message.text}"))
    page.set_default_timeout(30_000)
    return context, page


@pytest.fixture
def visit() -> Visit:
    """The record of the current test's page."""
    return Visit()


@pytest.fixture
def page(browser: Browser, visit: Visit) -> Iterator[Page]:
    """A page in a fresh context that enforces our Content-Security-Policy, with a Norwegian browser locale."""
    context, opened = _open_page(browser, visit, bypass_csp=False, locale="nb-NO")
    yield opened
    context.close()
    assert not visit.blocked, f"requests left 127.0.0.1: {visit.blocked}"
    assert not visit.errors, f"script errors: {visit.errors}"
    assert not [line for line in visit.console if "Content Security Policy" in line], visit.console


@pytest.fixture
def page_without_csp(browser: Browser, visit: Visit) -> Iterator[Page]:
    """A page that ignores the Content-Security-Policy, so escaping alone must keep hostile text inert."""
    context, opened = _open_page(browser, visit, bypass_csp=True, locale="nb-NO")
    yield opened
    context.close()
    assert not visit.blocked, f"requests left 127.0.0.1: {visit.blocked}"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder screenshots are saved in (`out/screenshots/`, git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
