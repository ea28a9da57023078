"""The reference page of the render benchmarks: a title and one bar chart, nothing else.

Served by its own ``streamlit run`` in the same run as the dashboard, so that render
times can be reported as a ratio to it (the machine is shared and noisy).
"""

import pandas as pd
import streamlit as st

st.title("Bare page")
st.bar_chart(pd.DataFrame({"year": ["2008", "2009", "2010", "2011", "2012"],
                           "tonnes": [3.0, 5.0, 4.0, 6.0, 7.0]}), x="year", y="tonnes")
