"""Scenarios for a compacter core: zoning an area's streets and what the data says of it."""
