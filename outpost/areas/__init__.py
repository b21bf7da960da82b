"""geo's web layer: the area pages (`/areas/`) and the area API (`/api/v1/geo/`).

It sits above accounts because every read goes through the one scope function
(`outpost.accounts.scope`); geo itself (models, boundary import, overlay, spatial index,
coordinates) knows no users. URL names keep the `geo:` namespace and the API the `geo` tag.
"""
