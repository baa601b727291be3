"""The demo: a fictional commune's web site and a mail server, both on loopback.

The servers here are also what the tests use: real HTTP and SMTP on 127.0.0.1.
"""
