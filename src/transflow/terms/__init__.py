"""The town's terminology: glossary.yml, matching German forms, English forms, enforcement."""
