"""Outpost (平安前哨): grassroots governance where police beats and community grids work as one."""
