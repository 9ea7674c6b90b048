"""The ground everything stands on: configuration, workspace, periods, errors, vocabularies, Latvian formatting."""
