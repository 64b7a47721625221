// Tests for POP3 go here.
