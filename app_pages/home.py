import streamlit as st

from components.shared.navigation import TOOLS

st.title("ML Studio")
st.markdown(
    "Five hands-on tools for seeing what machine-learning models do. Everything here runs on this "
    "machine with no account and no internet; add an OpenAI or Spotify key in the sidebar when "
    "you want those services."
)

for row_start in range(0, len(TOOLS), 3):
    columns = st.columns(3)
    for column, tool in zip(columns, TOOLS[row_start : row_start + 3], strict=False):
        with column.container(border=True, height="stretch"):
            st.subheader(f"{tool.title}", anchor=False)
            st.write(tool.summary)
            st.page_link(tool.file, label=f"Open {tool.title}", icon=tool.icon)
