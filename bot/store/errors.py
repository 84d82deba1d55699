"""The store's one error, shared by the connection, the schema and operations."""


class StorageError(Exception):
    """The database file cannot be opened or used, or has a schema this version does not know."""
