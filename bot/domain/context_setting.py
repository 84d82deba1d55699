"""A context variable set for the length of a ``with`` block.

Every browser request and every action sets a few (its language, its channel's
words, who asks); a plain object does it with two calls, where a generator-based
context manager makes a generator and a wrapper each time.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from typing import Generic, TypeVar

T = TypeVar("T")


class Setting(Generic[T]):
    """``with Setting(variable, value):`` – ``value`` inside, the earlier value after."""

    __slots__ = ("_variable", "_value", "_token")

    def __init__(self, variable: ContextVar[T], value: T) -> None:
        self._variable = variable
        self._value = value
        self._token: Token[T] | None = None

    def __enter__(self) -> None:
        self._token = self._variable.set(self._value)

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            self._variable.reset(self._token)
            self._token = None
