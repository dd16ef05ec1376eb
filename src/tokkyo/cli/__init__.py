"""The `tokkyo` command: one module per command group."""
