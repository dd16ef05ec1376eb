"""What every HTTP surface shares: the app context, the request's unit of work as FastAPI
dependencies, and the one way domain errors become answers (each surface in its own form)."""
