"""The ``landcheck`` command line: thin click commands over the library."""
