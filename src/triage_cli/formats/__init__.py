"""Writers and readers of the Record, one module each: the TOML summary (written and read back)
and --json. None imports another; each lays out what the record layer decided."""
