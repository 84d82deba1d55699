"""The store's one error, shared by the connection, the schema and operations."""


class StorageError(Exception):
    """The database file cannot be opened or used, or has a schema this version does not know."""


class DatabaseGone(StorageError):
    """The file at the database's path is no longer the one the connection writes to.

    Deleted, or replaced by a restore done wrong: what is committed from now on
    lands in a file nobody will ever read again, so nothing may be confirmed.
    """
