"""The Telegram channel: the PTB application, its handlers and everything that talks to the Bot API."""
