"""fieldapp: the trade-union cadre's field tool (enterprises, visits, CĐCS eligibility, offline store, sync)."""

__version__ = "0.1.0"
