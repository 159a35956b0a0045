"""Historic vacancy files: backfilling an area's monthly snapshots (reading.py reads a file,
services.py checks it against the area and writes the months, views.py and cli.py are the
staff's upload page and the command for big files)."""
