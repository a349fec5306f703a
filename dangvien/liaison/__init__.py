"""Exemptions, members working away and residence liaison (QĐ 213-QĐ/TW)."""
