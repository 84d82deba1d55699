"""The set-up's form of expected people: a number field per perspective, sent at once.

Telegram counts them up and down with buttons (:mod:`bot.flows.workshop.setup`); a page
shows those rows as number fields in one form (:func:`bot.web.views.view_of`), and this
reads that form back.
"""

from __future__ import annotations

from starlette.datastructures import FormData

from bot.domain.perspectives import PERSPECTIVES

EXPECTED_FIELDS = len(PERSPECTIVES) + 2  # the numbers, the CSRF token and the form's mark


def expected_numbers(form: FormData) -> dict[str, str]:
    """What was typed per perspective id; the flows' port checks the numbers."""
    return {p: value.strip() for p in PERSPECTIVES if isinstance(value := form.get(p), str)}
