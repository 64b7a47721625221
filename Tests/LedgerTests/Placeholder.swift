// Tests for Ledger go here.
