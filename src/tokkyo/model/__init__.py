"""Pure value types of tokkyo: numbers, kinds, documents, parties, classifications, legal status.

Nothing here performs I/O or imports another tokkyo package.
"""
