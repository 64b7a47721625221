// Planner and executor.
