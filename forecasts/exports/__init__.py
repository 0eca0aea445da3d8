"""Data out and back in: CSV/JSON exports, the zip of everything, and imports."""
