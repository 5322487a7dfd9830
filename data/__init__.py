"""The seed records, edited here and installed inside kg as ``kg.seed`` for `kg init --example seed`.

pyproject.toml maps this folder into the package (package-dir); this file only lets an editable
install find it. kg reads the records and never runs this module; `kg init` does not copy it.
"""
