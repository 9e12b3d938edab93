"""Use cases that change articles, through the one door (``unit_of_work``).

Translate, approve, a browser save, XLIFF import, publish, forget and doctor's repair.
"""
