"""The public gateway: chat API, widget files, demo and embed pages, health. The only public process."""
