"""The record layer: what the chart holds for one assessment (the Record, with the program card,
checklist, labels, override and comparison it decides), stored summaries read back, drafts, and
private atomic file writing. Writers in formats/ and render.py only lay a Record out."""
