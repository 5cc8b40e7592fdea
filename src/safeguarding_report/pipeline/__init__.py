"""The build: params -> validate -> execute -> stitch -> export -> print -> publish.

Each stage is one module; ``build`` calls them in that order. The runner that starts
child processes and the store that keeps results between builds are shared by the stages.
"""
