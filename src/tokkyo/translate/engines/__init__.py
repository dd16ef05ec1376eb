"""The engines behind the `Translator` Protocol, one module each; `build` makes one from
its section of the routing file."""
