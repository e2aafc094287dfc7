"""An interactive explorer of the handoff model, in a browser and in notebooks.

Walk the state space one action at a time, see every process, socket, provider and pipe, and each
property's verdict, go back and forward, open a counterexample file: Stateright's Explorer, for
wspshare.  Modules, each with one job: ``session`` (a path, a cursor and the moves, with
fingerprints naming states; no web), ``view`` (a state as data for the page), ``diagram`` (the
path so far as the simulator's sequence diagram), ``switches`` and ``models`` (which model a name
or a file means), ``counterexample`` (opening a checker's counterexample file), ``app`` (the web
application), ``page`` (its HTML), ``server`` (serving on the loopback interface) and
``notebook`` (``wspshare.explore``).
"""
