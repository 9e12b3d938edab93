"""The article's data: the typed record, drafts and revisions, editors' edits, states, the memory.

Also the change cache that lets a run skip what did not change.
"""
