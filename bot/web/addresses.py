"""Every page of the browser at an address of its own, both ways: a place's URL, and the
place an opened URL names.

Ids in a path are checked as strictly as a button's (:mod:`bot.flows.buttons`); a path
that names nothing the person may see gets the flows' polite refusal, never a trace.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from bot.flows.place import (
    WORKSHOP_VIEWS,
    ChangePage,
    DeletePage,
    DetailPage,
    FieldOverview,
    HelpPage,
    Home,
    NextStepsPage,
    ParticipationPage,
    PausePage,
    Place,
    PrivacyPage,
    ReportPage,
    ResultPage,
    ReviewPage,
    StatementPage,
    WorkshopPage,
    WorkshopsPage,
)

_ID = re.compile(r"[a-z][a-z0-9_-]{0,23}")
MAX_PAGE = 99
_VIEW_PATHS = {"stand": "status", "ergebnis": "result", "schritte": "steps", "dialog": "dialogue",
               "referenz": "reference"}
_VIEW_NAMES = {view: path for path, view in _VIEW_PATHS.items()}
# Pages anybody may open without anything stored: they show the same for everybody.
PUBLIC = (Home, PrivacyPage, HelpPage, FieldOverview)


def url_of(place: Place) -> str:  # noqa: C901 - one line per page
    """The path of ``place``, below the site's public URL."""
    match place:
        case Home():
            return "/"
        case StatementPage(run_id, statement_id):
            return f"/aussage/{run_id}/{statement_id}"
        case PausePage(run_id):
            return f"/pause/{run_id}"
        case FieldOverview():
            return "/felder"
        case ResultPage(run_id):
            return f"/ergebnis/{run_id}"
        case DetailPage(run_id, field_id, page):
            return f"/ergebnis/{run_id}/feld/{field_id}" + _page(page)
        case ReviewPage(run_id, None):
            return f"/antworten/{run_id}"
        case ReviewPage(run_id, str() as field_id, page):
            return f"/antworten/{run_id}/feld/{field_id}" + _page(page)
        case ChangePage(run_id, statement_id):
            return f"/antworten/{run_id}/aussage/{statement_id}"
        case NextStepsPage(run_id, field_id):
            return f"/naechste-schritte/{run_id}" + (f"/feld/{field_id}" if field_id else "")
        case ReportPage(run_id):
            return "/bericht" + (f"/{run_id}" if run_id is not None else "")
        case PrivacyPage():
            return "/datenschutz"
        case HelpPage():
            return "/hilfe"
        case DeletePage():
            return "/daten-loeschen"
        case WorkshopsPage():
            return "/workshop"
        case WorkshopPage(workshop_id, view):
            return f"/workshop/{workshop_id}" + (f"/{_VIEW_NAMES[view]}" if view != "menu" else "")
        case ParticipationPage(workshop_id):
            return f"/workshop/{workshop_id}/teilnahme"
    raise TypeError(f"not a place: {place!r}")


def _page(page: int) -> str:
    return f"/seite/{page + 1}" if page else ""


Params = Mapping[str, object]
# Starlette's path patterns (``int`` converters for ids) and the place each names;
# ``None`` from a builder: the path names nothing (an id or page out of shape).
PATHS: tuple[tuple[str, Callable[[Params], Place | None]], ...] = (
    ("/aussage/{run:int}/{statement}", lambda p: _with_id(p, "statement", lambda s: StatementPage(
        _int(p["run"]), s))),
    ("/pause/{run:int}", lambda p: PausePage(_int(p["run"]))),
    ("/felder", lambda p: FieldOverview()),
    ("/ergebnis/{run:int}", lambda p: ResultPage(_int(p["run"]))),
    ("/ergebnis/{run:int}/feld/{field}", lambda p: _with_id(p, "field", lambda f: DetailPage(
        _int(p["run"]), f))),
    ("/ergebnis/{run:int}/feld/{field}/seite/{page:int}", lambda p: _paged(p, DetailPage)),
    ("/antworten/{run:int}", lambda p: ReviewPage(_int(p["run"]))),
    ("/antworten/{run:int}/feld/{field}", lambda p: _with_id(p, "field", lambda f: ReviewPage(
        _int(p["run"]), f))),
    ("/antworten/{run:int}/feld/{field}/seite/{page:int}", lambda p: _paged(p, ReviewPage)),
    ("/antworten/{run:int}/aussage/{statement}", lambda p: _with_id(
        p, "statement", lambda s: ChangePage(_int(p["run"]), s))),
    ("/naechste-schritte/{run:int}", lambda p: NextStepsPage(_int(p["run"]))),
    ("/naechste-schritte/{run:int}/feld/{field}", lambda p: _with_id(
        p, "field", lambda f: NextStepsPage(_int(p["run"]), f))),
    ("/bericht", lambda p: ReportPage()),
    ("/bericht/{run:int}", lambda p: ReportPage(_int(p["run"]))),
    ("/hilfe", lambda p: HelpPage()),
    ("/daten-loeschen", lambda p: DeletePage()),
    ("/workshop", lambda p: WorkshopsPage()),
    ("/workshop/{workshop:int}", lambda p: WorkshopPage(_int(p["workshop"]))),
    ("/workshop/{workshop:int}/teilnahme", lambda p: ParticipationPage(_int(p["workshop"]))),
    ("/workshop/{workshop:int}/{view}", lambda p: _workshop_view(p)),
)


def _int(value: object) -> int:
    assert isinstance(value, int)
    return value


def _with_id(params: Params, name: str, build: Callable[[str], Place]) -> Place | None:
    value = params[name]
    return build(value) if isinstance(value, str) and _ID.fullmatch(value) else None


def _paged(params: Params, page_type: type[DetailPage] | type[ReviewPage]) -> Place | None:
    field, page = params["field"], _int(params["page"])
    if not isinstance(field, str) or not _ID.fullmatch(field) or not 2 <= page <= MAX_PAGE:
        return None  # the first page has the address without a number
    return page_type(_int(params["run"]), field, page - 1)


def _workshop_view(params: Params) -> Place | None:
    view = _VIEW_PATHS.get(str(params["view"]))
    if view is None or view not in WORKSHOP_VIEWS:
        return None
    return WorkshopPage(_int(params["workshop"]), view)
