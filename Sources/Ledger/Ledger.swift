// SQLite state.
