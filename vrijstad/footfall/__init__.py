"""Footfall (passantentellingen): counters in streets and their counts per hour or day."""
