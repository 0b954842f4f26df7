"""Acting in the browser and watching the page: finding Chromium, actions, origins, faults."""
