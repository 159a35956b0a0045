"""The organisation's relations (owners, starters, brokers, the municipality), their contacts,
follow-ups and the messages sent to a segment of them: the oliemannetje's log."""
