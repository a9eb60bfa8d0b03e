"""The interactive interview: the questionary adapter (ask), the wizard, and the state and end
of one intake. Importing this package imports neither questionary nor rich."""
