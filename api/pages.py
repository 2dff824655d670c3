"""The routes of the HTML pages: the planner's search, case and node pages, network views.

`install(app)` adds the routes and the static files (our styles and scripts, and the
vis-network build pyvis ships), so no page needs a CDN. Routes read the request, reach
the store through `api.deps.get_store` and `graph.algorithms`, and hand view models to
`visualisation/`, which returns the HTML.

Every page carries a Content-Security-Policy that allows scripts and styles from our
own origin only. Escaping (autoescaped templates, JSON data blocks, DOM tooltips) is
what keeps hostile titles inert; the policy is a second line behind it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.auth.errors import AuthPageError
from api.auth.identity import page_caller_of, session_of
from api.auth.routes import login_url
from api.deps import Caller, get_store
from api.downloads import download_url
from api.settings import Scope, Settings
from graph.algorithms.merge import merged_into
from graph.algorithms.neighbourhood import MAX_DEPTH, neighbourhood
from graph.ranking import CaseFilter, Confidence, Hit, PriorWork, case_counts, filter_cases, prior_work
from graph.ranking.explain import no_match_message
from graph.errors import StoreError
from graph.model import STATUSES, Node, NodeType
from graph.store import GraphStore
from visualisation.details import case_details, node_details
from visualisation.hits import describe_hits
from visualisation.history import case_history
from visualisation.i18n import UI_LANGUAGES, Texts, choose_language
from visualisation.layout import Account, Chrome, Controls, render_page
from visualisation.network import NODE_STYLES, NetworkView, build_view
from visualisation.overview import SHARED_TYPES, Overview, shared_overview
from visualisation.tables import TableFormat
from visualisation.templating import STATIC_DIR, VIS_NETWORK_DIR

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "CURATION_PATH",
    "DEFAULT_DEPTH",
    "FETCH_LIMIT",
    "MAX_PROBLEM_LENGTH",
    "curation_path",
    "install",
    "internal_error_page",
    "router",
]

MAX_PROBLEM_LENGTH = 2000
"""Longer problem texts are cut: a page of text is plenty to rank on."""

RESULTS = 10
FILTER_RESULTS = 50
FETCH_LIMIT = 1000
"""Nodes fetched around a focus before the view keeps the most relevant (see `network.trim`)."""
DEFAULT_DEPTH = 2
CASE_PAGE_MAX_NODES = 60

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

router = APIRouter(include_in_schema=False)


class PageError(Exception):
    """A request a page cannot answer; rendered as an HTML error page with `status`."""

    def __init__(self, status: int, title_key: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title_key = title_key
        self.message = message


@dataclass(frozen=True, slots=True)
class Page:
    """What every page handler needs: the request, its language and when it started."""

    request: Request
    texts: Texts
    started: float
    caller: Caller = Caller()

    def url(self, path: str, params: list[tuple[str, str]] | None = None) -> str:
        """A link within the site that keeps the page language."""
        query = [(key, value) for key, value in params or [] if value] + [("lang", self.texts.lang)]
        return f"{path}?{urlencode(query)}"

    def node_url(self, node: Node) -> str:
        """The page of a node: the case page for cases, the node page for everything else."""
        prefix = "/cases/" if node.type is NodeType.CASE else "/nodes/"
        return self.url(prefix + quote(node.id, safe=":"))

    def chrome(self, current: str) -> Chrome:
        """The header for this request, with language links back to the same page."""
        kept = [(key, value) for key, value in self.request.query_params.multi_items() if key != "lang"]
        path = self.request.url.path
        return Chrome(
            current=current,
            home_url=self.url("/"),
            network_url=self.url("/network"),
            languages=tuple((code, f"{path}?{urlencode([*kept, ('lang', code)])}") for code in UI_LANGUAGES),
            account=self._account(),
        )

    def _account(self) -> Account:
        session = session_of(self.request)
        if session is not None:
            return Account(session.caller.person, session.csrf, None, self.url("/needs/new"))
        signs_in = _sign_in_enabled(self.request)
        return Account(None, None, login_url(self.request.url.path) if signs_in else None, None)

    def html(self, template: str, *, current: str, status: int = 200, **context: object) -> HTMLResponse:
        """Render a page template with the site chrome, security headers and a Server-Timing entry."""
        body = render_page(template, texts=self.texts, chrome=self.chrome(current), **context)
        elapsed = (time.perf_counter() - self.started) * 1000
        headers = {**_HEADERS, "Server-Timing": f"render;dur={elapsed:.1f}"}
        return HTMLResponse(body, status_code=status, headers=headers)


def _sign_in_enabled(request: Request) -> bool:
    settings: Settings | None = getattr(request.app.state, "settings", None)
    return settings is not None and settings.oidc is not None


class SignInRequired(Exception):
    """A page that needs a signed-in reader was asked for by nobody; answered with a redirect to sign in."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def _page(request: Request, lang: str = "") -> Page:
    """The page context; when reads need a key (or sign-in), refuse or send to sign-in whoever has no read scope."""
    started = time.perf_counter()
    texts = Texts(choose_language(lang or None, request.headers.get("accept-language")))
    caller = page_caller_of(request)
    page = Page(request, texts, started, caller)
    settings: Settings | None = getattr(request.app.state, "settings", None)
    if settings is not None and settings.require_key_for_reads and caller.scope is None:
        if caller.person is not None:
            raise PageError(403, "unauthorised.title", texts["unauthorised.no_role"])
        if settings.oidc is not None and not caller.bad_key:
            raise SignInRequired(str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))
        raise PageError(401, "unauthorised.title", texts["unauthorised.text"])
    return page


def _store(request: Request, page: Annotated[Page, Depends(_page)]) -> Iterator[GraphStore]:
    """The store for one page; a store that fails while the page is made is discarded and a 503 page shown."""
    try:
        store = get_store(request)
    except HTTPException as exc:
        raise PageError(exc.status_code, "unavailable.title", page.texts["unavailable.text"]) from exc
    try:
        yield store
    except StoreError as exc:
        request.app.state.stores.discard(store)
        raise PageError(503, "unavailable.title", page.texts["unavailable.text"]) from exc


@dataclass(frozen=True, slots=True)
class Facets:
    """The planner's filter choices as (value, label, cases), and the years of the cases they leave."""

    options: dict[str, tuple[tuple[str, str, int], ...]]
    years: tuple[int, int] | None
    total: int


PageDep = Annotated[Page, Depends(_page)]
StoreDep = Annotated[GraphStore, Depends(_store)]


@dataclass(frozen=True, slots=True)
class Filters:
    """The planner's optional filters, as given in the query string."""

    country: str = ""
    topic: str = ""
    target_group: str = ""
    method: str = ""
    status: str = ""
    year_from: str = ""
    year_to: str = ""

    def case_filter(self) -> CaseFilter | None:
        """The ranking's filter, or None when nothing is chosen."""
        if not any(value for _, value in self.params()):
            return None
        return CaseFilter(
            countries=(self.country,) if self.country else (),
            topics=(self.topic,) if self.topic else (),
            target_groups=(self.target_group,) if self.target_group else (),
            methods=(self.method,) if self.method else (),
            statuses=(self.status,) if self.status else (),
            year_from=int(self.year_from) if self.year_from else None,
            year_to=int(self.year_to) if self.year_to else None,
        )

    def without(self, name: str) -> Filters:
        """The same filters less one (a facet counts what its other filters let through)."""
        return replace(self, **{name: ""})

    def params(self) -> list[tuple[str, str]]:
        """The filters as query parameters."""
        return [
            ("country", self.country),
            ("topic", self.topic),
            ("target_group", self.target_group),
            ("method", self.method),
            ("status", self.status),
            ("year_from", self.year_from),
            ("year_to", self.year_to),
        ]


def _year(value: str, texts: Texts) -> str:
    text = value.strip()
    if not text or (len(text) == 4 and text.isdecimal() and text.isascii()):
        return text
    raise PageError(400, "bad_request.title", texts.format("bad_request.year", value=text[:20]))


def _filters(
    page: Annotated[Page, Depends(_page)],
    country: str = "",
    topic: str = "",
    target_group: str = "",
    method: str = "",
    status: str = "",
    year_from: str = "",
    year_to: str = "",
) -> Filters:
    return Filters(
        country.strip(),
        topic.strip(),
        target_group.strip(),
        method.strip(),
        status.strip(),
        _year(year_from, page.texts),
        _year(year_to, page.texts),
    )


FiltersDep = Annotated[Filters, Depends(_filters)]


def _problem(q: str) -> str:
    return q.strip()[:MAX_PROBLEM_LENGTH]


def _ranked(store: GraphStore, problem: str, filters: Filters, lang: str) -> PriorWork | None:
    """The ranked prior work for a problem (None without one)."""
    return prior_work(store, problem, case_filter=filters.case_filter(), top=RESULTS, lang=lang) if problem else None


def _hits(store: GraphStore, problem: str, filters: Filters, lang: str) -> list[Hit]:
    """The ranked hits for a problem, or the filtered cases (unranked) when only filters are given."""
    found = _ranked(store, problem, filters, lang)
    if found is not None:
        return list(found.hits)
    case_filter = filters.case_filter()
    if case_filter is not None:
        return [Hit(case, 0.0, Confidence.WEAK, ()) for case in filter_cases(store, case_filter)[:FILTER_RESULTS]]
    return []


_CONCEPT_FACETS = (("topic", NodeType.TOPIC), ("target_group", NodeType.TARGET_GROUP), ("method", NodeType.METHOD))


def _facets(store: GraphStore, filters: Filters, texts: Texts) -> Facets:
    """The filters' choices with how many cases each leaves, given the other filters chosen.

    The counts are the filters' own (array masks over the case facets), so choosing a value
    lists as many cases as it shows. A chosen value stays listed even when nothing else would
    match it, so it can be seen and unset.
    """
    options: dict[str, tuple[tuple[str, str, int], ...]] = {}
    countries = dict(case_counts(store, filters.without("country").case_filter()).by_country)
    if filters.country:
        countries.setdefault(filters.country, 0)
    options["country"] = tuple(
        (code, texts.optional(f"country.{code.upper()}", code), count) for code, count in sorted(countries.items())
    )
    linked = {name: dict(case_counts(store, filters.without(name).case_filter()).by_node) for name, _ in _CONCEPT_FACETS}
    nodes = store.get_many(sorted({node_id for counts in linked.values() for node_id in counts}))
    for name, node_type in _CONCEPT_FACETS:
        chosen = getattr(filters, name)
        counts = {node_id: count for node_id, count in linked[name].items() if nodes[node_id].type is node_type}
        if chosen:
            counts.setdefault(chosen, 0)
        concepts = store.get_many(sorted(counts))
        labelled = [(node.id, node.label_in(texts.lang), counts[node.id]) for node in concepts.values()]
        options[name] = tuple(sorted(labelled, key=lambda item: item[1].casefold()))
    statuses = case_counts(store, filters.without("status").case_filter()).by_status
    options["status"] = tuple(
        (status, texts[f"status.{status}"], statuses.get(status, 0))
        for status in STATUSES
        if statuses.get(status) or status == filters.status
    )
    results = case_counts(store, filters.case_filter())
    return Facets(options=options, years=results.years, total=results.total)


@dataclass(frozen=True, slots=True)
class WatchOffer:
    """The planner page's offer to watch the problem: the form's action and token, or where to sign in first."""

    action: str | None
    csrf: str | None
    sign_in_url: str | None


def _watch_offer(page: Page, problem: str) -> WatchOffer | None:
    """What the page can offer for watching `problem`: nothing without a problem or when the server runs no watches."""
    if not problem or getattr(page.request.app.state, "watch_service", None) is None:
        return None
    session = session_of(page.request)
    if session is not None:
        return WatchOffer(f"/watches/new?lang={page.texts.lang}", session.csrf, None)
    if _sign_in_enabled(page.request):
        return WatchOffer(None, None, login_url(page.url("/", [("q", problem)])))
    return None


def _downloads(problem: str, filters: Filters, lang: str) -> tuple[tuple[str, str], ...]:
    """Links to the listed cases as CSV (`;`, for Nordic Excel) and XLSX, with the same problem and filters."""
    kind = "prior-work" if problem else "cases"
    return tuple(
        (label, download_url(kind, table_format, problem=problem, case_filter=filters.case_filter(), lang=lang,
                             separator=";", top=None if problem else FILTER_RESULTS))
        for label, table_format in (("CSV", TableFormat.CSV), ("Excel (XLSX)", TableFormat.XLSX))
    )


@router.get("/", response_class=HTMLResponse)
def planner_page(
    page: PageDep,
    store: StoreDep,
    filters: FiltersDep,
    q: str = "",
) -> Response:
    """The planner's page: describe a problem, get prior cases ranked with their reasons."""
    problem = _problem(q)
    found = _ranked(store, problem, filters, page.texts.lang)
    hits = list(found.hits) if found is not None else _hits(store, problem, filters, page.texts.lang)
    searched = bool(problem) or filters.case_filter() is not None
    facets = _facets(store, filters, page.texts)
    return page.html(
        "index.html",
        current="search",
        problem=problem,
        filters=filters,
        facets=facets,
        max_length=MAX_PROBLEM_LENGTH,
        searched=searched,
        is_empty_graph=not facets.total and filters.case_filter() is None,
        hits=describe_hits(store, hits, problem=problem, texts=page.texts, node_url=page.node_url),
        strong_count=found.strong if found is not None else None,
        no_match=no_match_message(page.texts.lang) if found is not None and found.is_no_match else None,
        network_url=page.url("/network", [("q", problem), *filters.params()]) if hits else None,
        downloads=_downloads(problem, filters, page.texts.lang) if hits else (),
        focus_url=lambda case_id: page.url("/network", [("focus", case_id)]),
        watch=_watch_offer(page, problem) if searched else None,
    )


@dataclass(frozen=True, slots=True)
class Curation:
    """The case page's forms to confirm or reject its inferred links: their actions and the session's token."""

    confirm_action: str
    reject_action: str
    csrf: str


CURATION_PATH = "/cases/{case_id}/inferred-links/{decision}"
"""Where the case page posts a curator's decision on an inferred link (`confirm` or `reject`)."""


def curation_path(case_id: str, decision: str, lang: str) -> str:
    """The form action for one decision on the case's inferred links."""
    return CURATION_PATH.format(case_id=quote(case_id, safe=":"), decision=decision) + f"?lang={lang}"


def _curation(page: Page, case_id: str) -> Curation | None:
    """The curation forms, for a signed-in person with write scope only."""
    session = session_of(page.request)
    if session is None or session.caller.scope is None or not session.caller.scope.includes(Scope.WRITE):
        return None
    lang = page.texts.lang
    return Curation(curation_path(case_id, "confirm", lang), curation_path(case_id, "reject", lang), session.csrf)


def _get(store: GraphStore, node_id: str, page: Page) -> Node:
    node = store.get(node_id) or merged_into(store, node_id)  # a merged node's old links show the node it became
    if node is None:
        raise PageError(404, "not_found.title", page.texts.format("not_found.text", node_id=node_id))
    return node


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(case_id: str, page: PageDep, store: StoreDep) -> Response:
    """One case: stakeholders and roles, needs, target groups, methods, sources, related cases, its network."""
    case = _get(store, case_id, page)
    if case.type is not NodeType.CASE:
        return RedirectResponse(page.node_url(case), status_code=307)
    view = build_view(
        neighbourhood(store, case.id, depth=1, max_nodes=FETCH_LIMIT),
        texts=page.texts,
        node_url=page.node_url,
        focus=(case.id,),
        max_nodes=CASE_PAGE_MAX_NODES,
    )
    return page.html(
        "case.html",
        current="search",
        case=case_details(store, case, texts=page.texts, node_url=page.node_url),
        history=case_history(store, case.id, texts=page.texts),
        curation=_curation(page, case.id),
        view=view,
        network_url=page.url("/network", [("focus", case.id)]),
    )


@router.get("/nodes/{node_id}", response_class=HTMLResponse)
def node_page(node_id: str, page: PageDep, store: StoreDep, intake: str = "") -> Response:
    """A node that is not a case (organisation, method, topic ...): its details and connections.

    `intake=stored|known` (after the intake form) shows whether the need was new.
    """
    node = _get(store, node_id, page)
    if node.type is NodeType.CASE:
        return RedirectResponse(page.node_url(node), status_code=307)
    return page.html(
        "node.html",
        current="network",
        notice=page.texts[f"intake.{intake}"] if intake in ("stored", "known") else None,
        node=node_details(store, node, texts=page.texts, node_url=page.node_url),
        network_url=page.url("/network", [("focus", node.id)]),
    )


def _types(values: list[str], texts: Texts) -> frozenset[NodeType]:
    known = {node_type.value: node_type for node_type in NodeType}
    chosen = set()
    for value in values:
        for name in filter(None, (part.strip() for part in value.split(","))):
            if name not in known:
                message = texts.format("bad_request.types", name=name, known=", ".join(known))
                raise PageError(400, "bad_request.title", message)
            chosen.add(known[name])
    return frozenset(chosen)


def _depth(value: str, texts: Texts) -> int:
    if value.strip().isdecimal() and value.strip().isascii() and 1 <= int(value) <= MAX_DEPTH:
        return int(value)
    raise PageError(400, "bad_request.title", texts.format("bad_request.depth", value=value[:20], most=MAX_DEPTH))


@router.get("/network", response_class=HTMLResponse)
def network_page(
    page: PageDep,
    store: StoreDep,
    filters: FiltersDep,
    focus: str = "",
    depth: str = str(DEFAULT_DEPTH),
    types: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies defaults
    q: str = "",
) -> Response:
    """The network around a node (`focus`, `depth`, `types`) or around the cases a search found (`q`)."""
    texts = page.texts
    chosen = _types(types, texts)
    steps = _depth(depth, texts)
    all_types = tuple((node_type, texts.node_type(node_type), style) for node_type, style in NODE_STYLES.items())
    problem = _problem(q)
    view: NetworkView | None = None
    overview: Overview | None = None
    heading = texts["network.title"]
    intro = None
    if focus:
        node = _get(store, focus, page)
        subgraph = neighbourhood(store, node.id, depth=steps, types=chosen or None, max_nodes=FETCH_LIMIT)
        view = build_view(subgraph, texts=texts, node_url=page.node_url, focus=(node.id,))
        heading = texts.format("network.around", label=node.label_in(texts.lang))
        hidden: tuple[tuple[str, str], ...] = (("focus", node.id), ("lang", texts.lang))
        controls = Controls("/network", hidden, steps, MAX_DEPTH, chosen, all_types)
    elif problem or filters.case_filter() is not None:
        hits = _hits(store, problem, filters, texts.lang)
        overview = shared_overview(
            store, [hit.case for hit in hits], texts=texts, node_url=page.node_url, types=chosen
        )
        view = build_view(
            overview.subgraph, texts=texts, node_url=page.node_url, focus=[hit.id for hit in overview.hits]
        )
        heading = texts["network.for_search"]
        intro = problem or None
        kept = [("q", problem), *filters.params(), ("lang", texts.lang)]
        hidden = tuple((key, value) for key, value in kept if value)
        shared_types = tuple(item for item in all_types if item[0] in SHARED_TYPES)
        controls = Controls("/network", hidden, None, MAX_DEPTH, chosen, shared_types)
    else:
        controls = None
    return page.html(
        "network_page.html",
        current="network",
        heading=heading,
        intro=intro,
        view=view,
        overview=overview,
        controls=controls,
        search_url=page.url("/", [("q", problem), *filters.params()]) if problem else page.url("/"),
    )


@router.get("/signed-out", response_class=HTMLResponse)
def signed_out_page(request: Request, lang: str = "") -> Response:
    """Where sign-out ends: a page anyone may see, with the link to sign in again."""
    texts = Texts(choose_language(lang or None, request.headers.get("accept-language")))
    page = Page(request, texts, time.perf_counter())
    return page.html("error.html", current="", title=texts["signed_out.title"], message=texts["signed_out.text"])


def _error_page(request: Request, exc: PageError) -> Response:
    texts = Texts(choose_language(request.query_params.get("lang"), request.headers.get("accept-language")))
    page = Page(request, texts, time.perf_counter())
    return page.html("error.html", current="", status=exc.status, title=texts[exc.title_key], message=exc.message)


def internal_error_page(request: Request, request_id: str) -> Response:
    """The HTML page (with the pages' security headers) for a failure no handler caught."""
    texts = Texts(choose_language(request.query_params.get("lang"), request.headers.get("accept-language")))
    return _error_page(request, PageError(500, "internal.title", texts.format("internal.text", request_id=request_id)))


def _auth_error_page(request: Request, exc: Exception) -> Response:
    error = exc if isinstance(exc, AuthPageError) else AuthPageError(500, "unavailable.title", "unavailable.text")
    texts = Texts(choose_language(request.query_params.get("lang"), request.headers.get("accept-language")))
    return _error_page(request, PageError(error.status, error.title_key, texts[error.text_key]))


def _sign_in_redirect(request: Request, exc: Exception) -> Response:
    next_path = exc.next_path if isinstance(exc, SignInRequired) else "/"
    return RedirectResponse(login_url(next_path), status_code=303)


def install(app: FastAPI) -> None:
    """Add the pages and their static files (our CSS/JS and the vis-network that pyvis ships) to `app`.

    Raises
    ------
    RuntimeError
        The installed pyvis no longer ships the vis-network build the pages use.
    """
    if not (VIS_NETWORK_DIR / "vis-network.min.js").is_file():
        raise RuntimeError(f"vis-network not found at {VIS_NETWORK_DIR}; the installed pyvis does not match 0.3.x")
    app.mount("/static/vendor/vis-network", StaticFiles(directory=VIS_NETWORK_DIR), name="vis-network")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(router)
    app.add_exception_handler(PageError, _error_page)
    app.add_exception_handler(AuthPageError, _auth_error_page)
    app.add_exception_handler(SignInRequired, _sign_in_redirect)
