// Dovecot fixtures for integration tests.
