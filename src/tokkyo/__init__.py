"""tokkyo: an open, self-hostable patent information platform."""

__version__ = "0.1.0"
