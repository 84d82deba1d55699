"""The workshop conversation: coordinators set up and run a workshop, participants join it."""
