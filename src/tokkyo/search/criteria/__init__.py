"""One atom of a query as SQL: a select of the `application_id`s of the cases it matches.

One module per kind of atom, each a part of the `Compiler` of one search (compiler.py),
which hands every atom to its part: text and marks (texts.py), classifications and codes
(codes.py), numbers (numbers.py), dates (dates.py). What the parts share, the search's
connection, index backend, folds, status day and scratch table, is its `Scope`
(scope.py).
"""

from tokkyo.search.criteria.compiler import Compiler

__all__ = ["Compiler"]
