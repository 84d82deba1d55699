"""The pure core: the questionnaire, scoring, a person's position, comparison, workshop aggregation.

No I/O beyond reading the questionnaire's own files, no Telegram, no HTTP, no database."""
