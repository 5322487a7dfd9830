"""The ontology, SHACL shapes and SKOS themes, edited here and installed inside kg as ``kg.ontology``.

pyproject.toml maps this folder into the package (package-dir); this file only lets an editable
install find it. kg reads the .ttl files (kg.config.ontology_dir) and never runs this module.
"""
