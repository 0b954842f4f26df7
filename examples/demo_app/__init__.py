"""Demo shop web app for the pytest-webagent examples.

Start it with ``demo_app.server.start_demo_server()``; see ``server.py``.
"""
