"""The report's content and presentation: frameworks, sections, indicators, tables, charts,
text, disclosure control, the appendices and the committee cover report.
"""
