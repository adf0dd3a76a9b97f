"""Change plans: initiatives, stakeholder groups, milestones and plan templates."""
