"""The domain core: records, validation, rules, classification and text folding.

Nothing here imports storage, screens or the network (an import-linter contract and a test enforce it).
"""
