"""The set-up's form of expected people: a number field per perspective, sent at once.

Telegram counts them up and down with buttons (:mod:`bot.flows.workshop.setup`); a page
shows those rows as number fields in one form (:func:`bot.web.views.view_of`), and this
reads that form back.
"""

from __future__ import annotations

from starlette.datastructures import FormData

from bot.domain.perspectives import PERSPECTIVES

EXPECTED_FIELDS = len(PERSPECTIVES) + 2  # the numbers, the CSRF token and the form's mark


def expected_text(form: FormData) -> str:
    """"politik=3,bildung=2": what was typed per perspective id, as the flows' port reads it
    (and checks the numbers); a comma or an equals sign typed is left out with its field."""
    typed = {p: value.strip() for p in PERSPECTIVES if isinstance(value := form.get(p), str)}
    return ",".join(f"{p}={value}" for p, value in typed.items()
                    if "," not in value and "=" not in value)
