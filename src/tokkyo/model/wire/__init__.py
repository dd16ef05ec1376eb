"""The JPO Retrieval API wire format: field names, order and value forms, both ways.

`decode` turns answers into model values (mirror import); `encode` turns model values
into answers (the API). Both read the same field tables in `fields`, so what is read is
exactly what can be written back.
"""
