"""The domain's rules in one place: the ADKAR elements and scoring, the anonymity thresholds, when a gate's
threshold is reached, who may change a plan. Plain Python: no Flask, no database, no pandas, so every
layer (services, analytics, charts, pages, the API) takes a rule from here and none writes its own.
"""
