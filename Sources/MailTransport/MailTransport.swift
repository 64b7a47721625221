// TCP and TLS transport.
