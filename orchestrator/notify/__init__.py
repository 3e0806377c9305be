"""Webhook notifications: what a delivery says and how it is signed (`delivery`), and the thread
that sends deliveries over HTTP with retries (`sender`). The Notifier actor drives both."""
