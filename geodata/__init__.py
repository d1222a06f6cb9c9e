"""Geodata: OSM areas, street graph and travel times, facilities, incidents, risk, hotspots."""
