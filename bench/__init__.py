"""`python -m bench`: the performance figures of yibao-desk on a synthetic million-person hall.

See bench/README.md for what is measured, how, and the latest results.
"""
