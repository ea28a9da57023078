"""The bare page plus the dashboard's own filter sidebar: a second reference page.

Measured beside the bare page in the render benchmark, it shows what the sidebar's
widgets (language, presentation mode, four multiselects, the period slider, toggles)
cost the browser by themselves, whatever page they sit on.
"""

import sys
from pathlib import Path

import pandas as pd
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zones.ui import load_data, sidebar

sidebar(load_data().dataset)
st.title("Bare page and the filter sidebar")
st.bar_chart(pd.DataFrame({"year": ["2008", "2009", "2010", "2011", "2012"],
                           "tonnes": [3.0, 5.0, 4.0, 6.0, 7.0]}), x="year", y="tonnes")
