"""Reading cases: YAML files and Python tests become ``Case`` objects and pytest items."""
