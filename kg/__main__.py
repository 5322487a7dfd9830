"""`python -m kg`: the `kg` command, for when its script is not on PATH."""

from .cli import main

if __name__ == "__main__":
    main(prog_name="kg")
