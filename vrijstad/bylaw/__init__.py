"""The vacancy bylaw (leegstandsverordening): the reporting duty, the consultation and the
twelve-month escalation of a unit that stands empty."""
