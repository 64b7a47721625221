// POP3 client.
