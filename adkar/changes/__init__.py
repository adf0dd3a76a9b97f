"""The technical side beside the people side: ITSM change records per milestone (models, services, the
CSV/XLSX columns, forms and pages), and whether a change outruns its people (`services.change_risks`).
"""
