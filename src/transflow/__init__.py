"""transflow: German municipal news → English drafts editors can trust."""

__version__ = "0.1.0"

# Shown in the terminal and on every output made with a generated (random-weight) model.
GENERATED_NOTICE = "generated test model: this English is not a translation"
