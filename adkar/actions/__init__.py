"""ADKAR action plans per group and element, the editable action library, and the resistance log."""
