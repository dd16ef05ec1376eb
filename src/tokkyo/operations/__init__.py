"""Running tokkyo: backup and restore, integrity checks of the blob store."""
