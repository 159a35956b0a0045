"""Vrijstad: fill empty shops in Dutch city centres.

`flask --app vrijstad` finds the factory here; it lives in vrijstad/app.py.
"""

from vrijstad.app import ROOT, create_app

__all__ = ["ROOT", "create_app"]
