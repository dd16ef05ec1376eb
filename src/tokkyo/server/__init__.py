"""The HTTP server tokkyo runs under: uvicorn, with the ASGI zero-copy send extension."""
