"""Measured adoption: usage figures per group and date, utilisation, speed of adoption, ultimate utilisation."""
