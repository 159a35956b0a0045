"""The staff's "Te doen" list: every feature's open tasks, computed from the state."""
