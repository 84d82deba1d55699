"""The browser's addresses: every page's URL names that page again, and nothing else parses."""

from __future__ import annotations

import pytest
from starlette.routing import Match, Route

from bot.flows.actions import AnswerAgain, Show
from bot.flows.buttons import decode, encode
from bot.flows.place import (
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
from bot.web.addresses import PATHS, url_of

PLACES: tuple[Place, ...] = (
    StatementPage(12, "eins-01"), PausePage(3), FieldOverview(), ResultPage(7),
    DetailPage(7, "zwei"), DetailPage(7, "zwei", 2), ReviewPage(7), ReviewPage(7, "drei"),
    ReviewPage(7, "drei", 1), ChangePage(7, "drei-02"), NextStepsPage(7),
    NextStepsPage(7, "eins"), ReportPage(), ReportPage(7), HelpPage(), DeletePage(),
    WorkshopsPage(), WorkshopPage(4), WorkshopPage(4, "status"), WorkshopPage(4, "result"),
    WorkshopPage(4, "steps"), WorkshopPage(4, "dialogue"), WorkshopPage(4, "reference"),
    ParticipationPage(4))


def parsed(path: str) -> Place | None:
    """The place the first route matching ``path`` names, as the app's routing finds it."""
    for pattern, build in PATHS:
        match, scope = Route(pattern, lambda request: None).matches(
            {"type": "http", "path": path, "method": "GET"})
        if match is Match.FULL:
            return build(scope["path_params"])
    return None


@pytest.mark.parametrize("place", PLACES, ids=lambda place: url_of(place))
def test_every_page_s_address_names_that_page(place: Place) -> None:
    assert parsed(url_of(place)) == place


def test_the_fixed_pages_have_their_own_addresses() -> None:
    assert url_of(Home()) == "/" and url_of(PrivacyPage()) == "/datenschutz"
    assert len({url_of(place) for place in PLACES}) == len(PLACES)


@pytest.mark.parametrize("path", ["/aussage/1/GROSS", "/aussage/0x1/eins-01",
                                  "/ergebnis/1/feld/eins/seite/1", "/antworten/1/feld/x/seite/100",
                                  "/workshop/1/menu", "/workshop/1/irgendwas",
                                  "/aussage/1/" + "a" * 25])
def test_addresses_out_of_shape_name_nothing(path: str) -> None:
    assert parsed(path) is None


def test_an_answer_again_travels_as_a_button_and_a_link_never_does() -> None:
    action = AnswerAgain(999_999_999_999, "a" * 24, "E")
    data = encode(action)
    assert len(data.encode()) <= 64 and decode(data) == action
    with pytest.raises(TypeError):
        encode(Show(ResultPage(1)))
