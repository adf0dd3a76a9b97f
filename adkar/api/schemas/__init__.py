"""The pydantic models of the API: one per request body and per answer, one module per resource.

Views read bodies with them (payload.read_body) and name them in `@operation(...)`; the OpenAPI document's
schemas are generated from them (openapi.schemas), so the checks and the document cannot disagree.
"""
