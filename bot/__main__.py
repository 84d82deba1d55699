"""``python -m bot``: the same as the ``selbstcheck-bot`` command."""

from bot.cli import main

main()
