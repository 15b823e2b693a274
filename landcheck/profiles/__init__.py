"""Built-in profiles, as YAML files (see :data:`landcheck.io.profiles.BUILTIN_PROFILES`)."""
