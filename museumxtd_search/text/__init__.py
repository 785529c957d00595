"""The text base: normalising, accent folding, exact-match keys, slugs and language
detection. No stemming here (that is ``analysis``): the vault reads names and keys
with these rules and imports nothing from above this package."""
