import streamlit as st

from components.navigation import TOOLS

st.title("ML Studio")
st.markdown(
    "Five hands-on tools for seeing what machine-learning models do. Everything here runs on this "
    "machine with no account and no internet; add an OpenAI or Spotify key in the sidebar when "
    "you want those services."
)

columns = st.columns(3)
for index, tool in enumerate(TOOLS):
    with columns[index % 3].container(border=True, height="stretch"):
        st.subheader(tool.title, anchor=False)
        st.write(tool.summary)
        st.page_link(tool.file, label=f"Open {tool.title}", icon=tool.icon)
