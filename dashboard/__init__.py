"""The opsmap dashboard (Streamlit). Reads the store; never imported by ``pipeline``."""
