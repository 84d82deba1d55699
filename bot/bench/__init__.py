"""The benchmark (``python -m bot.bench``) and the in-memory Bot API it runs against.

It ships with the package so an operator can measure an installed bot on their own machine;
the tests reuse its in-memory Bot API as their fake network layer."""
