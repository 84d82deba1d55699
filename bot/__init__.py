"""Telegram bot for the "Weltoffene Kommune" self-check."""
