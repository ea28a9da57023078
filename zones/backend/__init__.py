"""Where the data lives: one protocol (``protocol``), one class per backend (``files``,
``postgres``), and the one factory every caller asks (``choice.choose``)."""

from zones.backend.choice import URL_ENV, choose, database_url
from zones.backend.files import FileBackend
from zones.backend.postgres import PostgresBackend, engine_for
from zones.backend.protocol import Backend, Unavailable

__all__ = ["URL_ENV", "Backend", "FileBackend", "PostgresBackend", "Unavailable", "choose",
           "database_url", "engine_for"]
