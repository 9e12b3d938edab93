"""Rendering records into files people read: review pages and the index, Word files."""
