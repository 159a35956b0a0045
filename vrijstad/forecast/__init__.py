"""Looking ahead: the vacancy forecast per street (model.py)."""
