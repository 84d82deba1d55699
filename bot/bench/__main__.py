"""``python -m bot.bench``: run the benchmark."""

from bot.bench.cli import main

main()
