"""Search: the query language, normalisation, the case documents the store gives the search
engines (tantivy embedded, a SphinxQL cluster), and the worker that keeps them current."""
