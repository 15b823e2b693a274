"""Built-in profiles, as YAML files (see :data:`landcheck.profile.BUILTIN_PROFILES`)."""
