"""Batch sync between laptops and the federation's central server: wire protocol, httpx client, FastAPI server."""
