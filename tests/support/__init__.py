"""Helpers shared by the tests: databases per test and scripted HTTP servers on loopback."""
