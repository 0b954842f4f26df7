"""Running a case: the step loop that replays, resolves, acts and reports each step in order."""
