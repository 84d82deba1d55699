"""What a person can do: typed actions in, an Outcome out; no Telegram, no HTTP."""
