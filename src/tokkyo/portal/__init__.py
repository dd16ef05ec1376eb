"""The portal: pages for people, each with a JSON data twin."""
