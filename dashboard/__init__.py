"""The Streamlit dashboard: PAB briefing, data-quality workbench and public summaries."""
