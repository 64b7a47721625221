// Tests for JobSpec go here.
