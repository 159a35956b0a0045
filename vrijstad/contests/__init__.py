"""Win een winkel: contests that give starters a unit with a rent discount as the prize."""
