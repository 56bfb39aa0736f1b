"""Helpers shared by the integration, compatibility and conformance tests."""
