"""One user-facing exception family, translated at the edges (CLI exit code, HTTP status)."""

from __future__ import annotations


class PolicyQAError(Exception):
    """Base of every error a user can act on. ``status`` is the HTTP status the API returns."""

    status: int = 400

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class ConfigError(PolicyQAError):
    """A setting or argument has a bad value."""


class CorpusError(PolicyQAError):
    """The corpus folder is missing, empty or holds an unreadable document."""


class IndexError_(PolicyQAError):
    """The index is missing, corrupt or does not match the corpus/settings."""

    status = 503


class InputError(PolicyQAError):
    """A question or request is empty, too long or malformed."""

    status = 422


class NotFoundError(PolicyQAError):
    status = 404


class MissingDependencyError(PolicyQAError):
    """An optional dependency is not installed; the message says what to install."""

    status = 500


class ForbiddenError(PolicyQAError):
    """The operation is switched off on this server (e.g. uploads with no staff keys configured)."""

    status = 403


class ConflictError(PolicyQAError):
    """The knowledge base already holds this file, or a notice it would replace without ``replace``."""

    status = 409


class FileTooLargeError(PolicyQAError):
    """An upload is over the size limit, or a DOCX unpacks to far more than its size (zip bomb)."""

    status = 413


class UnsupportedFormatError(PolicyQAError):
    """The content is none of the formats we read (decided from magic bytes, not the file name)."""

    status = 415


class UnreadableFileError(PolicyQAError):
    """A file of a known format that cannot be read: corrupt, encrypted, empty, or scanned without text (OCR)."""

    status = 422
