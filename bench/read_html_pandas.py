#!/usr/bin/python3
"""bench/read_html_pandas.py FILE...: pandas.read_html (lxml) over each file, the comparison of
bench/compare's extract side. It only parses the tables into DataFrames: it maps no label to a
field, parses no number with its unit, checks no sum. Prints the tables found."""
import sys

import pandas as pd

tables = 0
for path in sys.argv[1:]:
    tables += len(pd.read_html(path, flavor="lxml"))
print(f"{len(sys.argv) - 1} files, {tables} tables")
