"""The `saring` command line: a thin shell over the libraries and flows."""
