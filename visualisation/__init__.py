"""Behovsgraf."""
