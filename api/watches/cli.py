"""`behovsgraf watch …`: watches from the terminal, on the same watch store the server uses.

The server matches and delivers; these commands create, list, pause, resume and
delete watches and show their matches and deliveries. A watch made here belongs to
`--owner` (an API key's name, to share it with an intranet's key).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.console import err, out
from api.watches.store import Sensitivity, WatchNotFound, WatchStore
from api.watches.targets import target_problem

if TYPE_CHECKING:
    from api.settings import Settings

__all__ = ["watch_app"]

watch_app = typer.Typer(help="Watch a problem: hear of later cases that match it.", no_args_is_help=True)

WatchesOption = Annotated[
    Path | None,
    typer.Option("--watches", help="Watch store file [default: BEHOVSGRAF_WATCH_STORE, or beside the graph store]."),
]
OwnerOption = Annotated[str, typer.Option("--owner", help="Who the watch belongs to (an API key's name).")]
DEFAULT_OWNER = "cli"


def _settings() -> Settings:
    from api.settings import get_settings

    return get_settings()


def _watches(path: Path | None) -> WatchStore:
    return WatchStore(path or _settings().watch_store_path)


@contextmanager
def _changing(key: str, watches: Path | None) -> Iterator[WatchStore]:
    """The watch store, closed afterwards; an unknown watch `key` ends the command with exit code 2."""
    store = _watches(watches)
    try:
        yield store
    except WatchNotFound:
        raise _missing(key) from None
    finally:
        store.close()


def _missing(key: str) -> typer.Exit:
    err.print(f"behovsgraf: no watch {key!r} of that owner", highlight=False)
    return typer.Exit(2)


@watch_app.command("add")
def add(
    problem: Annotated[str, typer.Argument(help="The problem, in any of sv/nb/nn/da/en.")],
    sensitivity: Annotated[
        Sensitivity, typer.Option("--sensitivity", help="The weakest match to report.")
    ] = Sensitivity.POSSIBLE,
    webhook: Annotated[str | None, typer.Option("--webhook", help="http(s) address to post matches to.")] = None,
    owner: OwnerOption = DEFAULT_OWNER,
    watches: WatchesOption = None,
) -> None:
    """Create a watch; prints its key, feed path and (once) the webhook secret."""
    if not problem.strip():
        err.print("behovsgraf: the problem is empty", highlight=False)
        raise typer.Exit(2)
    if webhook is not None:
        refused = target_problem(webhook, allow_private=_settings().allow_private_webhooks)
        if refused:
            err.print(f"behovsgraf: --webhook: {refused}", highlight=False)
            raise typer.Exit(2)
    store = _watches(watches)
    watch = store.create(owner=owner, problem=problem.strip(), sensitivity=sensitivity, webhook_url=webhook)
    store.close()
    out.print(f"watch {watch.id}")
    out.print(f"feed  /watches/{watch.id}/feed.atom?token={watch.feed_token}")
    if watch.webhook_secret:
        out.print(f"webhook secret (shown once): {watch.webhook_secret}")


@watch_app.command("list")
def list_(
    owner: Annotated[str | None, typer.Option("--owner", help="Only this owner's watches.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
    watches: WatchesOption = None,
) -> None:
    """List watches with their owner, sensitivity and state."""
    store = _watches(watches)
    found = store.watches(owner=owner)
    store.close()
    if as_json:
        rows = [
            {"key": w.id, "owner": w.owner, "problem": w.problem, "sensitivity": w.sensitivity.value,
             "paused": w.paused, "webhook": w.webhook_url is not None, "created": w.created_at}
            for w in found
        ]
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table("key", "owner", "sensitivity", "state", "problem")
    for w in found:
        table.add_row(w.id, w.owner, w.sensitivity.value, "paused" if w.paused else "active", w.problem[:60])
    out.print(table)


def _set_paused(key: str, owner: str, watches: Path | None, paused: bool) -> None:
    with _changing(key, watches) as store:
        store.set_paused(key, owner=owner, paused=paused)
    out.print(f"{'paused' if paused else 'resumed'} {key}")


@watch_app.command("pause")
def pause(key: str, owner: OwnerOption = DEFAULT_OWNER, watches: WatchesOption = None) -> None:
    """Pause a watch: it matches nothing until resumed."""
    _set_paused(key, owner, watches, True)


@watch_app.command("resume")
def resume(key: str, owner: OwnerOption = DEFAULT_OWNER, watches: WatchesOption = None) -> None:
    """Resume a paused watch."""
    _set_paused(key, owner, watches, False)


@watch_app.command("delete")
def delete(key: str, owner: OwnerOption = DEFAULT_OWNER, watches: WatchesOption = None) -> None:
    """Delete a watch with its matches and pending deliveries."""
    with _changing(key, watches) as store:
        store.delete(key, owner=owner)
    out.print(f"deleted {key}")


@watch_app.command("matches")
def matches(key: str, watches: WatchesOption = None) -> None:
    """The newest matches of a watch, and how their webhook deliveries went."""
    store = _watches(watches)
    try:
        store.get(key)
    except WatchNotFound:
        store.close()
        raise _missing(key) from None
    found = store.matches(key)
    log = {row["id"]: row for row in store.delivery_log(key)}
    store.close()
    from rich.table import Table

    table = Table("case", "confidence", "matched", "delivery", "reason")
    for match in found:
        delivery = log.get(match.id)
        state = f"{delivery['status']} ({delivery['attempts']})" if delivery else "-"
        table.add_row(match.case_id, match.confidence, match.created_at, state, match.reasons[0] if match.reasons else "")
    out.print(table)
