"""Who may do what (issue 25): the access file's roles and scopes, and the checks every
write makes. Pure: no Streamlit, so the app and the command line share one reading."""
