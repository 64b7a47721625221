// Tests for Engine go here.
