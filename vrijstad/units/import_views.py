"""Placeholder replaced by the import/export work."""

from flask import Blueprint

bp = Blueprint("units_import", __name__)
