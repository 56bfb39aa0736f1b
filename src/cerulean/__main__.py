"""`python -m cerulean` is the `cerulean` command."""

from cerulean.cli.main import main

main()
