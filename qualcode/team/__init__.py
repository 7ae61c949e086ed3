"""Team projects on a PostgreSQL server: the project file naming the server,
roles and row-level security (blind coding), push/pull between backends."""
