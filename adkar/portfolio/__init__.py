"""Change saturation across initiatives: which stakeholder groups are hit by how many changes, month by month."""
