"""Matching: explainable fit scores, recommendations both ways, optimal allocation."""
