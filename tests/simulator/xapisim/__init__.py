"""A standalone simulator of the 3CX V20 Configuration API (XAPI).

Only the Python standard library is used so that the simulator starts anywhere the
collection's tests run.  ``xapisim.server`` holds the HTTP side, ``xapisim.store`` the
state, ``xapisim.odata`` the query language and ``xapisim.compiler`` the script check.
"""

VERSION = "1.0.0"
