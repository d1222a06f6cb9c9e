"""Streamlit dashboard: a thin layer over ``geodata`` and ``routing``."""
