"""The public gateway, in its own environment (.venv-gateway): chat API, widget files, demo and embed
pages, health. The only public process."""
