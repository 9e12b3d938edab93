"""transflow: German municipal news → English drafts editors can trust."""

__version__ = "0.1.0"
