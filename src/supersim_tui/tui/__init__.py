"""The Textual front end. No HTTP and no file I/O here: everything goes through the client."""
