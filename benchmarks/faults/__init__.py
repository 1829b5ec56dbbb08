"""Fault figures: each script runs the real product as users run it and prints one fault's
figure, as docs/reliability.md quotes it with the command."""
