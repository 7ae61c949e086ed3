"""Inter-coder agreement: pure statistics (stats, unitizing) and their application to a project."""
