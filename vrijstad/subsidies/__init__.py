"""Subsidy schemes (HIRB+, municipal facade and starter schemes) and their applications."""
