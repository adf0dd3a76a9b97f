"""Sponsor and practitioner dashboards composed from analytics and charts."""
