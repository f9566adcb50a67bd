"""One module per output format. Each is imported only when its format is asked for."""
