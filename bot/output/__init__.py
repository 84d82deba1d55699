"""What the bot shows: message templates, charts, PDF and CSV files, and their worker processes."""
