"""Rosters: the people of each stakeholder group (e-mail, name, language, attributes), so a wave can invite
them without pasting addresses.

Part of the plan layer, so surveys read it (`services.roster_recipients`). Its pages are routes of the plan
blueprint (`views`, imported by create_app). Addresses are personal data: only the initiative's practitioners
and admins see or change a roster; sponsors are refused (403) on every page, download and API call.
"""
