"""The ground floor every other package reads: the errors, params, provenance records, the
store that keeps results between builds, the CSV writer, safe markup, and the declarations of
the frameworks, the sections and the indicators (as data where they are data).

It imports nothing from the floors above it (data and local, report, pipeline, workflows, the
command line): ``make lint`` checks the order of the floors.
"""
