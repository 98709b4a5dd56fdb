"""Region model as plain frozen data: areas, sites, posts, rosters, demand and tariffs.

``domain`` is the ground floor of acutesim: everything may use it, it uses nothing of
acutesim. Geometry past loading is in EPSG:28992 (RD New, metres).
"""
