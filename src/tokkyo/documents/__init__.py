"""Reading documents and cases for people and programs (the portal's data twins)."""
