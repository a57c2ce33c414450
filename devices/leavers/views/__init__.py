"""The leaver views:
- pages: a supervisor's team, a leaving date, the case page, sign-off and the list of open cases;
- counter: the leaver's case at the Tech Bar counter (admin views beside devices.counter.views).
"""
