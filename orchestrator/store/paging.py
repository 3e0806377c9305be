"""Cursor paging for every list of the API: `{"items", "total", "next_cursor"}`."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from orchestrator.errors import ValidationError


def page(
    items: Iterable[dict],
    limit: int,
    cursor: str | None,
    view: Callable[[dict], dict] = dict,
    total: int | None = None,
) -> dict:
    """One page: the items after the one whose ID is `cursor`, and the total count.

    When the caller knows `total`, the walk stops as soon as the page is full.
    """
    chosen: list[dict] = []
    counted = 0
    passed = cursor is None
    for item in items:
        counted += 1
        if not passed:
            passed = item["id"] == cursor
        elif len(chosen) <= limit:
            chosen.append(item)
        elif total is not None:
            break
    if not passed:
        raise ValidationError({"cursor": "does not match any item; start again without it"})
    more = len(chosen) > limit
    chosen = chosen[:limit]
    return {
        "items": [view(item) for item in chosen],
        "total": counted if total is None else total,
        "next_cursor": chosen[-1]["id"] if more else None,
    }
